// -l, -d, -F, -L, -V of `probekit probe`.
#include "probe_listing.hpp"

#include "commands.hpp"

#include <probekit/strfilter.hpp>
#include <probekit/tracefs.hpp>

#include <cstdio>

namespace probekit::cli {

int list_events(std::string const&)
{
    std::fputs("probekit: error: -l is not built yet\n", stderr);
    return exit_environment;
}

int delete_events(std::vector<std::string> const&, bool)
{
    std::fputs("probekit: error: -d is not built yet\n", stderr);
    return exit_environment;
}

int show_functions(std::string const&, std::string const&)
{
    std::fputs("probekit: error: -F is not built yet\n", stderr);
    return exit_environment;
}

int show_lines(std::string const&, std::string const&, std::string const&)
{
    std::fputs("probekit: error: -L is not built yet\n", stderr);
    return exit_environment;
}

int show_variables(std::string const&, std::string const&, bool, bool)
{
    // LIMITATION(L-021): -V belongs to the argument resolver (issue 6).
    std::fputs("probekit: error: -V is not built yet\n  Error: Failed to show vars.\n", stderr);
    return exit_environment;
}

#ifdef PROBEKIT_HAS_LIBDW
void install_arg_hook(dwarf::libdw_resolver&) {}
#endif

} // namespace probekit::cli
