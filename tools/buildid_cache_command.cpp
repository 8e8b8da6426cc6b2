// `probekit buildid-cache ARGS`: perf buildid-cache's options, with perf's meaning and output.
#include "commands.hpp"

#include <cstdio>

namespace probekit::cli {

int run_buildid_cache(arguments)
{
    std::fputs("probekit: error: 'buildid-cache' is not built yet (see docs/limitations.md)\n",
               stderr);
    return exit_environment;
}

} // namespace probekit::cli
