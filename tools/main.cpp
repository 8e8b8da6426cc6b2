// probekit: parse, synthesize, resolve and cache perf probe definitions.
#include "commands.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

constexpr char const* usage =
    "usage: probekit [--buildid-dir DIR] <command> [args]\n"
    "\n"
    "commands:\n"
    "  parse perf-probe [-x PATH] [--json] (CMD... | --file F)\n"
    "  parse line-range [--json] (SPEC... | --file F)\n"
    "  parse trace [--kind K] [--json] (CMD... | --file F)\n"
    "  parse sdt-args [--arch x86_64|aarch64] (SPEC... | --file F)\n"
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

    // `perf --buildid-dir DIR probe ...`: a global option before the command, which perf
    // passes on through PERF_BUILDID_DIR; every command of ours reads that variable.
    int first = 1;
    std::string_view const global = argv[1];
    if (global == "--buildid-dir" || global.starts_with("--buildid-dir=")) {
        char const* dir = nullptr;
        if (global == "--buildid-dir")
            dir = argc > 2 ? argv[2] : nullptr, first = 3;
        else
            dir = argv[1] + std::strlen("--buildid-dir="), first = 2;
        if (dir == nullptr || *dir == '\0' || first >= argc) {
            std::fputs(usage, stderr);
            return exit_bad_input;
        }
        ::setenv("PERF_BUILDID_DIR", dir, 1);
    }

    std::string_view const command = argv[first];
    arguments const rest(argv + first + 1, static_cast<std::size_t>(argc - first - 1));
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
    std::fprintf(stderr, "probekit: error: unknown command '%s'\n%s", argv[first], usage);
    return exit_bad_input;
}
