// `probekit probe ARGS`: perf probe's options, with perf's meaning and output.
#include "commands.hpp"

#include <cstdio>
#include <string_view>

namespace probekit::cli {

int run_probe(arguments args)
{
    // `--cache` with -l/-d lists or deletes cached events (probe_cache_command.cpp).
    bool cache = false;
    bool list_or_delete = false;
    for (std::string_view const a : args) {
        cache |= a == "--cache";
        list_or_delete |= a == "-l" || a == "-d" || a.starts_with("--list") ||
                          a.starts_with("--del") || (a.starts_with("-d") && !a.starts_with("--"));
    }
    if (cache && list_or_delete)
        return run_probe_cache(args);

    std::fputs("probekit: error: 'probe' is not built yet (see docs/limitations.md)\n", stderr);
    return exit_environment;
}

} // namespace probekit::cli
