// What `perf probe --cache --add` does once its probes are defined: open the target's
// cache (adding the binary to the build-id directory first, with its SDT notes, as perf's
// open does), add one entry per command, and commit.
//
//   probekit::cache_record const r{"probe_demo:myev=area w",
//                                  {"p:probe_demo/myev /opt/demo:0x1197 w=-28(%bp):s32"}};
//   probekit::record_in_cache(probekit::build_id_dir::from_environment(), "/opt/demo", {&r, 1});
//
// `spec` is perf's synthesis of the command (`synthesize_perf_probe(event, out, group)`,
// which writes `GROUP:EVENT=` only when the command names its event); `lines` are the
// trace commands as written to uprobe_events.
#pragma once

#include <probekit/cache.hpp>
#include <probekit/cache/build_id_dir.hpp>

#ifdef PROBEKIT_HAS_LIBDW
#include <probekit/cache/sdt_import.hpp>
#endif

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// One command and the trace commands it was resolved to.
struct cache_record {
    std::string spec;
    std::vector<std::string> lines;
};

#ifdef PROBEKIT_HAS_LIBDW
/// Adds `records` to the cache of the binary at `target` under `dir`, and commits.
/// A binary new to `dir` is added first (elf, link, SDT notes). Re-adding a command whose
/// lines are empty keeps the cached lines (perf 6.1 empties them: F2).
/// Errors: io, or the binary's (not ELF, no build-id); the cache is then unchanged.
inline result<cached_binary> record_in_cache(build_id_dir const& dir, char const* target,
                                             std::span<cache_record const> records)
{
    auto const bin = dir.add(target);
    if (!bin)
        return bin.error();
    probe_cache cache{filesystem_store{bin->probes_path()}};
    if (auto const loaded = cache.load(); !loaded)
        return loaded.error();

    // perf imports the SDT notes when it opens a cache it has not seen; a binary with
    // entries already had its import.
    if (cache.empty()) {
        auto const notes = read_sdt_notes(bin->origname.c_str());
        if (notes && !notes->empty())
            if (auto imported = import_sdt_notes(cache, *notes, bin->origname); !imported)
                return imported.error();
    }
    for (auto const& r : records) {
        std::vector<std::string_view> const lines(r.lines.begin(), r.lines.end());
        if (auto const added = cache.add(entry_kind::user, r.spec, lines); !added)
            return added.error();
    }
    if (auto const committed = cache.commit(); !committed)
        return committed.error();
    return *bin;
}
#endif

} // namespace probekit
