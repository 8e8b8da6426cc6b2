// The listing and deletion modes of `probekit probe` (-l, -d, -F, -L, -V), and the hook
// through which the argument resolver plugs into the point resolver.
#pragma once

#include <string>
#include <vector>

namespace probekit::cli {

/// -l [FILTER]: the kernel's uprobes as perf lists them (stdout).
int list_events(std::string const& filter);
/// -d FILTER...: removes matching uprobes ("Removed event: grp:ev" on stderr).
int delete_events(std::vector<std::string> const& filters, bool quiet);
/// -F [FILTER]: the target's symbols, demangled and sorted (stdout).
int show_functions(std::string const& target, std::string const& filter);
/// -L RANGE: the source lines that can be probed (stdout).
int show_lines(std::string const& target, std::string const& range, std::string const& source);
/// -V POINT: the variables available at a probe point (stdout).
int show_variables(std::string const& target, std::string const& point, bool externs,
                   bool range);


} // namespace probekit::cli
