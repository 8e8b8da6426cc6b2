// SDT notes as trace commands and as the probe-cache entries perf 6.1 makes of them:
//
//   %sdt_myprov:myev=myev                                        one entry per PROVIDER:NAME
//   p:sdt_myprov/myev /opt/demo/app0:0x124a arg1=-8(%bp):s32 arg2=-36(%bp):u8
//   p:sdt_myprov/myev /opt/demo/app0:0x1302 arg1=%ax:s32 arg2=%dx:u8   <- a second site
//   %sdt_guarded:check=check
//   p:sdt_guarded/check /opt/demo/app0:0x1230(0x301a)            <- (semaphore's offset)
//
// The semaphore goes into the uprobe's `(ref_ctr_offset)`: the kernel then counts the
// enabled probes in it, which is what makes the code behind `if (PROV_NAME_ENABLED())` run.
// Nothing here touches a cache: `list_sdt_probes` is the API for a tool that only wants
// a binary's probes; `cache/sdt_import.hpp` puts the entries into a probe cache.
#pragma once

#include <probekit/elf/sdt_notes.hpp>
#include <probekit/error.hpp>
#include <probekit/sdt_args.hpp>
#include <probekit/trace_probe.hpp>
#include <probekit/trace_probe_event.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// The group perf gives a provider's events: `sdt_PROVIDER`, cut to 63 bytes as perf's
/// 64-byte buffer cuts it.
inline std::string sdt_group(std::string_view provider)
{
    std::string group = "sdt_";
    group.append(provider.substr(0, 59));
    return group;
}

/// The trace command of one site of `note` in the binary at `path` (the path as the
/// command names it: perf writes the binary's real path).
/// Errors: see `convert_sdt_args`.
inline result<trace_probe_event> sdt_trace_event(sdt_note const& note, std::string_view path,
                                                 sdt_arch arch = host_sdt_arch)
{
    auto converted = convert_sdt_args(note.args, arch);
    if (!converted)
        return converted.error();
    trace_probe_event ev;
    ev.kind = trace_kind::uprobe;
    ev.group = sdt_group(note.provider);
    ev.event = note.name;
    ev.place.path = std::string(path);
    ev.place.address = note.pc;
    ev.place.ref_ctr_offset = note.semaphore;
    ev.place.has_ref_ctr = note.semaphore != 0;
    for (auto& a : *converted)
        if (!a.skipped)
            ev.args.push_back(std::move(a.fetch));
    return ev;
}

/// One `%` entry of the probe cache: every site of one `PROVIDER:NAME`.
struct sdt_entry {
    std::string group; ///< `sdt_PROVIDER`
    std::string event; ///< NAME
    std::string spec;  ///< the header without `%`: `sdt_PROVIDER:NAME=NAME`
    std::vector<std::string> lines; ///< trace commands, sorted and unique (perf's strlist)
};

/// The entries perf's import makes of `notes`, in the order of each name's first note.
/// Errors: the first note whose arguments cannot be converted, at its argument string
/// (perf then imports nothing). Complexity: O(notes x entries) + sorting.
inline result<std::vector<sdt_entry>> sdt_entries(std::span<sdt_note const> notes,
                                                  std::string_view path,
                                                  sdt_arch arch = host_sdt_arch)
{
    std::vector<sdt_entry> entries;
    for (auto const& note : notes) {
        auto ev = sdt_trace_event(note, path, arch);
        if (!ev)
            return ev.error();
        auto it = std::find_if(entries.begin(), entries.end(), [&](sdt_entry const& e) {
            return e.group == ev->group && e.event == ev->event;
        });
        if (it == entries.end()) {
            std::string spec = ev->group + ":" + ev->event + "=" + ev->event;
            it = entries.insert(entries.end(), sdt_entry{ev->group, ev->event, spec, {}});
        }
        std::string line;
        synthesize_trace_probe(*ev, line);
        it->lines.push_back(std::move(line));
    }
    for (auto& e : entries) {
        std::sort(e.lines.begin(), e.lines.end());
        e.lines.erase(std::unique(e.lines.begin(), e.lines.end()), e.lines.end());
    }
    return entries;
}

/// A binary's SDT probes as entries, straight from its notes, without any cache.
/// Errors: see `read_sdt_notes` and `sdt_entries`.
inline result<std::vector<sdt_entry>> list_sdt_probes(char const* path,
                                                      sdt_arch arch = host_sdt_arch)
{
    auto notes = read_sdt_notes(path);
    if (!notes)
        return notes.error();
    return sdt_entries(*notes, path, arch);
}

} // namespace probekit
