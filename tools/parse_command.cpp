// `probekit parse KIND ...`: read and re-write probe syntax without touching any binary.
#include "commands.hpp"

#include <cstdio>
#include <string_view>

namespace probekit::cli {

int run_parse(arguments args)
{
    if (args.empty()) {
        std::fputs("probekit: error: 'parse' needs a kind: perf-probe, line-range, trace, "
                   "sdt-args\n",
                   stderr);
        return exit_bad_input;
    }
    std::string_view const kind = args[0];
    arguments const rest = args.subspan(1);
    if (kind == "perf-probe")
        return run_parse_perf_probe(rest);
    if (kind == "line-range")
        return run_parse_line_range(rest);
    if (kind == "trace")
        return run_parse_trace(rest);
    if (kind == "sdt-args")
        return run_parse_sdt_args(rest);
    std::fprintf(stderr, "probekit: error: unknown kind '%s' for 'parse'\n", args[0]);
    return exit_bad_input;
}

} // namespace probekit::cli
