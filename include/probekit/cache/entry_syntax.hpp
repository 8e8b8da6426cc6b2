// The one place where the cache reads the syntax of its entries: headers are perf-probe
// commands, the other lines trace commands. The loader calls these two functions for
// every line; nothing else in the cache looks inside a command.
#pragma once

#include <probekit/cache/entry.hpp>
#include <probekit/error.hpp>

#include <optional>
#include <string_view>

#if __has_include(<probekit/perf_probe.hpp>)
#include <probekit/perf_probe.hpp>
#define PROBEKIT_CACHE_HAS_PERF_PROBE_GRAMMAR 1
#endif

namespace probekit::cache_syntax {

/// The names a header gives its event: `[GROUP:]EVENT=` of `grp:ev=area:3 w`.
struct header_names {
    std::string_view group;
    std::string_view event;
};

namespace detail {

inline bool is_ident_start(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool is_ident(char c) noexcept { return is_ident_start(c) || (c >= '0' && c <= '9'); }

/// Length of the identifier at the start of `s` (0 if none); `dots` allows `.` in it,
/// as perf allows in group names.
inline std::size_t ident_length(std::string_view s, bool dots) noexcept
{
    if (s.empty() || !is_ident_start(s[0]))
        return 0;
    std::size_t n = 1;
    while (n < s.size() && (is_ident(s[n]) || (dots && s[n] == '.')))
        ++n;
    return n;
}

} // namespace detail

// LIMITATION(L-040): until the perf-probe grammar (perf_probe.hpp) and the trace grammar
// (trace_probe.hpp) are in the tree, headers are read for their `[GROUP:]EVENT=` prefix
// only and trace lines for their `p:`/`r:` kind only; malformed commands are kept, not
// reported.

/// Reads the names of a header (`spec` is the text after `#` or `%`).
/// Errors: invalid, with the offset into `spec`, when the header is not a command.
inline result<header_names> parse_header(std::string_view spec, entry_kind kind)
{
    if (spec.empty() || spec.front() == ' ' || spec.front() == '\t')
        return parse_error{error_kind::invalid, 0, 0, "perf-probe command",
                           "the entry has an empty command", {}};

#ifdef PROBEKIT_CACHE_HAS_PERF_PROBE_GRAMMAR
    // One reusable storage per thread: a header parse allocates nothing.
    (void)kind;
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
#else
    // e.g. "probe_app0:area_L3=area:3 w" or "myev=area w"; "area x=p->x" has no name.
    header_names names;
    std::size_t const first = detail::ident_length(spec, true);
    if (first == 0)
        return names;
    if (first < spec.size() && spec[first] == '=') {
        names.event = spec.substr(0, first);
        return names;
    }
    if (first < spec.size() && spec[first] == ':') {
        std::string_view const rest = spec.substr(first + 1);
        std::size_t const second = detail::ident_length(rest, false);
        if (second > 0 && second < rest.size() && rest[second] == '=') {
            names.group = spec.substr(0, first);
            names.event = rest.substr(0, second);
        }
    }
    (void)kind;
    return names;
#endif
}

/// Checks one trace line of an entry.
/// Errors: invalid, with the offset into `line`.
inline std::optional<parse_error> check_line(std::string_view line)
{
    // e.g. "p:probe_app0/area /opt/demo/app0:0x1164 x=+0(-24(%bp)):s32"
    if (line.size() < 2 || (line[0] != 'p' && line[0] != 'r'))
        return parse_error{error_kind::invalid, 0, 1, "trace command",
                           "a trace line starts with 'p' or 'r'", {}};
    return std::nullopt;
}

} // namespace probekit::cache_syntax
