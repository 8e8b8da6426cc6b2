// Importing a binary's SDT notes into its probe cache, as `perf buildid-cache --add` does
// (entries and lines: sdt_probe.hpp):
//
//   %sdt_myprov:myev=myev
//   p:sdt_myprov/myev /opt/demo/app0:0x124a arg1=-8(%bp):s32 arg2=-36(%bp):u8
//   %sdt_guarded:check=check
//   p:sdt_guarded/check /opt/demo/app0:0x1230(0x301a)        <- with a semaphore
#pragma once

#include <probekit/cache.hpp>
#include <probekit/elf/sdt_notes.hpp>
#include <probekit/sdt_probe.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// Puts the SDT entries of `notes` (the notes of the binary at `path`) into `cache`, as
/// perf's import does: an entry that exists with the same `GROUP:EVENT` gains the new lines
/// (a re-import changes nothing), a new one is added. Nothing is added when one note's
/// arguments cannot be converted (perf then leaves the cache as it was).
/// Returns the number of entries. Errors: that note's, or the cache's.
/// Complexity: O(notes x entries).
template <cache_store Store>
result<std::size_t> import_sdt_notes(basic_probe_cache<Store>& cache,
                                     std::span<sdt_note const> notes, std::string_view path,
                                     sdt_arch arch = host_sdt_arch)
{
    auto entries = sdt_entries(notes, path, arch);
    if (!entries)
        return entries.error();
    for (auto& e : *entries) {
        entry_kind kind = entry_kind::sdt;
        std::string_view spec = e.spec;
        std::vector<std::string_view> lines(e.lines.begin(), e.lines.end());
        if (auto const* old = cache.find_by_name(e.group, e.event)) {
            // perf adds the lines to the entry it finds, keeping its header.
            std::size_t const wanted = lines.size();
            for (auto const& l : old->lines)
                if (std::find(lines.begin(), lines.begin() + wanted, l.text) ==
                    lines.begin() + wanted)
                    lines.push_back(l.text);
            if (lines.size() == old->lines.size())
                continue; // every new line is there already
            kind = old->kind;
            spec = old->spec;
            std::sort(lines.begin(), lines.end());
        }
        if (auto added = cache.add(kind, spec, lines); !added)
            return added.error();
    }
    return entries->size();
}

} // namespace probekit
