// The subcommands of the probekit tool. Each lives in its own file and takes the arguments
// that follow its name (`probekit parse trace X` calls run_parse with {"trace", "X"}).
#pragma once

#include <span>
#include <string_view>

namespace probekit::cli {

using arguments = std::span<char* const>;

int run_parse(arguments args);
int run_probe(arguments args);
int run_buildid_cache(arguments args);
/// `probe --cache -l [FILTER]` / `probe --cache [-n] -d FILTER` (the whole probe argv).
int run_probe_cache(arguments args);

// `probekit parse KIND`, one function per kind.
int run_parse_perf_probe(arguments args);
int run_parse_line_range(arguments args);
int run_parse_trace(arguments args);
int run_parse_sdt_args(arguments args);

/// Exit codes (STYLE.md §9): 0 ok, 1 bad input, 2 environment.
inline constexpr int exit_ok = 0;
inline constexpr int exit_bad_input = 1;
inline constexpr int exit_environment = 2;
/// perf's status for a usage error (a command line that does not parse); only zero versus
/// non-zero matters to scripts, but perf-compatible wrappers look for it.
inline constexpr int exit_usage = 129;

} // namespace probekit::cli
