// The one place where the cache reads the syntax of its entries: headers are perf-probe
// commands (perf_probe.hpp), the other lines trace commands (trace_probe.hpp). The loader
// calls these two functions for every line; nothing else in the cache looks inside a
// command. Both parses are view parses into per-thread storage: they allocate nothing.
#pragma once

#include <probekit/cache/entry.hpp>
#include <probekit/error.hpp>
#include <probekit/perf_probe.hpp>
#include <probekit/trace_probe.hpp>

#include <optional>
#include <string_view>

namespace probekit::cache_syntax {

/// The names a header gives its event: `[GROUP:]EVENT=` of `grp:ev=area:3 w`.
struct header_names {
    std::string_view group;
    std::string_view event;
};

/// Reads the names of a header (`spec` is the text after `#` or `%`; both hold a
/// perf-probe command, `%` the one perf makes for an SDT note: `sdt_prov:name=name`).
/// Errors: the perf-probe grammar's, with the offset into `spec`.
inline result<header_names> parse_header(std::string_view spec, entry_kind)
{
    static thread_local perf_probe_storage storage;
    auto const parsed = parse_perf_probe(spec, storage);
    if (!parsed)
        return parsed.error();
    header_names names;
    if (parsed->point.naming == event_naming::given) {
        names.group = parsed->point.group;
        names.event = parsed->point.event;
    }
    return names;
}

/// Checks one trace line of an entry (a uprobe's or, in the kernel's cache, a kprobe's).
/// Errors: the trace grammar's, with the offset into `line`.
inline std::optional<parse_error> check_line(std::string_view line)
{
    static thread_local trace_probe_storage storage;
    auto const parsed = parse_trace_probe(line, trace_kind::automatic, storage);
    if (!parsed)
        return parsed.error();
    return std::nullopt;
}

} // namespace probekit::cache_syntax
