// probekit: parse, synthesize, resolve and cache perf probe definitions.
#include "commands.hpp"

#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

constexpr char const* usage =
    "usage: probekit <command> [args]\n"
    "\n"
    "commands:\n"
    "  parse perf-probe [-x PATH] [--json] (CMD... | --file F)\n"
    "  parse line-range [--json] (SPEC... | --file F)\n"
    "  parse trace [--kind K] [--json] (CMD... | --file F)\n"
    "  probe ARGS            like 'perf probe ARGS'\n"
    "  buildid-cache ARGS    like 'perf buildid-cache ARGS'\n";

} // namespace

int main(int argc, char** argv)
{
    using namespace probekit::cli;
    if (argc < 2) {
        std::fputs(usage, stderr);
        return exit_bad_input;
    }

    std::string_view const command = argv[1];
    arguments const rest(argv + 2, static_cast<std::size_t>(argc - 2));
    if (command == "parse")
        return run_parse(rest);
    if (command == "probe")
        return run_probe(rest);
    if (command == "buildid-cache")
        return run_buildid_cache(rest);
    if (command == "-h" || command == "--help") {
        std::fputs(usage, stdout);
        return exit_ok;
    }
    std::fprintf(stderr, "probekit: error: unknown command '%s'\n%s", argv[1], usage);
    return exit_bad_input;
}
