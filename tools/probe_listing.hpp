// The listing and deletion modes of `probekit probe` (-l, -d, -F, -L, -V), and the hook
// through which the argument resolver plugs into the point resolver.
#pragma once

#include <probekit/line_range.hpp>
#include <probekit/perf_probe_event.hpp>
#include <probekit/strfilter.hpp>

#include <string>
#include <vector>

namespace probekit::cli {

/// -l [FILTER]: the kernel's uprobes as perf lists them (stdout).
int list_events(std::string const& filter);
/// -d FILTER...: removes matching uprobes ("Removed event: grp:ev" on stderr).
int delete_events(std::vector<std::string> const& filters, bool quiet);
/// -F [FILTER]: the target's symbols, demangled and sorted (stdout).
int show_functions(std::string const& target, strfilter const& filter);
/// -L RANGE: the source lines that can be probed (stdout).
int show_lines(std::string const& target, line_range const& range, std::string const& source);
/// -V POINT: the variables available at a probe point (stdout).
int show_variables(std::string const& target, perf_probe_event event, bool externs,
                   bool range);


} // namespace probekit::cli
