// The trace commands of `perf probe -x BIN -a/-D %[GROUP:]EVENT` (also `sdt_PROV:NAME`
// without `%`): what `perf probe` finds for an SDT or cached-event reference.
//
//   perf probe -x /usr/bin/python3.11 -D '%sdt_python:gc__*'
//   p:sdt_python/gc__done /usr/bin/python3.11:0x2873b(0x683270) arg1=%r12:s64
//   p:sdt_python/gc__start /usr/bin/python3.11:0x287f3(0x68326e) arg1=+112(%sp):s32
//
// For the CLI (tools/probe_command.cpp): call `find_sdt_events(target, point.group,
// point.event, &dir)` for a parsed point with `is_sdt`, then print (-D) or write (-a) each
// event with `synthesize_trace_probe`. Arguments given after the reference are ignored,
// as perf ignores them. An empty result is perf's "not found" (SDT references never fall
// back to DWARF). The event names are the entry's, as perf takes them from the cache.
//
// perf answers from the binary's probe cache, which it creates on the way when the binary
// is not cached yet (importing its notes: fault F0). probekit reads the cache when the
// binary is cached, and otherwise the notes, giving the same lines without writing.
#pragma once

#include <probekit/build_id.hpp>
#include <probekit/cache.hpp>
#include <probekit/cache/build_id_dir.hpp>
#include <probekit/cache/lookup.hpp>
#include <probekit/sdt_probe.hpp>
#include <probekit/store/filesystem.hpp>
#include <probekit/strfilter.hpp>
#include <probekit/trace_probe.hpp>

#include <climits>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

namespace detail::sdt {

/// perf's match: the group glob when one is given, and the event glob.
inline bool selects(std::string_view group_glob, std::string_view event_glob,
                    std::string_view group, std::string_view event) noexcept
{
    return (group_glob.empty() || glob_match(group_glob, group)) &&
           glob_match(event_glob, event);
}

/// Reads back the lines of a matching entry (they are perf's trace commands).
template <typename Lines>
std::optional<parse_error> append_events(Lines const& lines, std::vector<trace_probe_event>& out)
{
    for (auto const& line : lines) {
        auto ev = parse_trace_probe(std::string_view(line), trace_kind::uprobe);
        if (!ev)
            return ev.error();
        out.push_back(std::move(*ev));
    }
    return std::nullopt;
}

#ifdef PROBEKIT_HAS_LIBDW
/// The matching events of the cached probes of `real_path`, if it is cached.
inline std::optional<result<std::vector<trace_probe_event>>>
cached_events(build_id_dir const& dir, char const* real_path, std::string_view group_glob,
              std::string_view event_glob)
{
    auto const bin = find_cached_binary(dir, real_path);
    if (!bin)
        return std::nullopt;
    basic_probe_cache<filesystem_store> cache(filesystem_store(bin->probes_path()));
    if (!cache.load())
        return std::nullopt;
    std::vector<trace_probe_event> events;
    for (auto const& e : cache.entries()) {
        if (e.kind == entry_kind::malformed || !e.named() ||
            !selects(group_glob, event_glob, e.group, e.event))
            continue;
        std::vector<std::string_view> lines;
        for (auto const& l : e.lines)
            lines.push_back(l.text);
        if (auto error = append_events(lines, events))
            return result<std::vector<trace_probe_event>>(*error);
    }
    return result<std::vector<trace_probe_event>>(std::move(events));
}
#endif

} // namespace detail::sdt

/// The trace commands that `%[GROUP:]EVENT` selects in the binary at `path` (globs allowed
/// in both; an empty group selects any): every line of every matching entry, in the
/// cache's order, when `dir` caches the binary (and libdw is there to read build-ids); else
/// those of its SDT notes. Paths in the commands are real paths, as perf writes them.
/// Errors: io / invalid when the binary cannot be read; a note's conversion error.
inline result<std::vector<trace_probe_event>>
find_sdt_events(std::string const& path, std::string_view group_glob,
                std::string_view event_glob, build_id_dir const* dir = nullptr,
                sdt_arch arch = host_sdt_arch)
{
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) == nullptr) {
        char const* const code = ::strerrorname_np(errno);
        return parse_error{error_kind::io, 0, 0, {}, "cannot find the binary",
                           code != nullptr ? std::string_view(code) : std::string_view()};
    }
#ifdef PROBEKIT_HAS_LIBDW // build-ids come through libdw
    if (dir != nullptr)
        if (auto cached = detail::sdt::cached_events(*dir, real, group_glob, event_glob))
            return std::move(*cached);
#else
    (void)dir;
#endif

    auto const entries = list_sdt_probes(real, arch);
    if (!entries)
        return entries.error();
    std::vector<trace_probe_event> events;
    for (auto const& e : *entries)
        if (detail::sdt::selects(group_glob, event_glob, e.group, e.event))
            if (auto error = detail::sdt::append_events(e.lines, events))
                return *error;
    return events;
}

} // namespace probekit
