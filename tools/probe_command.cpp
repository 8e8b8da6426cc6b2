// `probekit probe ARGS`: perf probe's options, with perf's meaning and output.
#include "commands.hpp"

#include <cstdio>

namespace probekit::cli {

int run_probe(arguments)
{
    std::fputs("probekit: error: 'probe' is not built yet (see docs/limitations.md)\n", stderr);
    return exit_environment;
}

} // namespace probekit::cli
