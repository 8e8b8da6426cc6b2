// The cache-first step of `perf probe -a/-D`: before any debuginfo is opened, the target's
// probe cache is asked for the command, and a hit gives its trace commands as stored.
//
//   probekit::cached_commands const cache(dir, "/opt/demo/app0");   // loaded once
//   auto lines = cache.find("probe_app0:myev=area w");
//   // {"p:probe_app0/myev /opt/demo/app0:0x1197 w=-28(%bp):s32"}
//
// `spec` is perf's synthesis of the command (`synthesize_perf_probe(event, out, group)`).
// perf 6.1 also returns an entry whose `GROUP:EVENT` alone matches, whatever the arguments
// (fault F1); probekit matches the whole command, so a changed argument list is resolved
// anew. Names alone select entries only through `%[GROUP:]EVENT` (sdt_lookup.hpp).
#pragma once

#include <probekit/build_id.hpp>
#include <probekit/cache.hpp>
#include <probekit/cache/build_id_dir.hpp>
#include <probekit/store/filesystem.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

#ifdef PROBEKIT_HAS_LIBDW // build-ids come through libdw
/// The cache directory of the binary at `real_path` (found by its build-id), if `dir`
/// caches it.
inline std::optional<cached_binary> find_cached_binary(build_id_dir const& dir,
                                                       char const* real_path)
{
    auto const id = read_build_id(real_path);
    if (!id)
        return std::nullopt;
    return dir.find(id->hex());
}

/// The user entries of one binary's probe cache, loaded once for the lookups of a whole
/// run (`perf probe` asks the cache once per command; reloading it each time would cost
/// more than resolving the command through DWARF).
class cached_commands {
public:
    /// Loads the cache of the binary at `real_path` when `dir` caches it. Nothing is
    /// created or written: a binary that is not cached, or a cache that cannot be read,
    /// holds no commands (perf then falls back to DWARF).
    cached_commands(build_id_dir const& dir, char const* real_path)
    {
        auto const bin = find_cached_binary(dir, real_path);
        if (!bin)
            return;
        cache_ = std::make_unique<probe_cache>(filesystem_store{bin->probes_path()});
        if (!cache_->load())
            cache_.reset();
    }

    /// The trace commands of the entry whose header is `spec`, if it has any.
    std::optional<std::vector<std::string>> find(std::string_view spec) const
    {
        auto const* entry = cache_ ? cache_->find_command(spec) : nullptr;
        if (entry == nullptr || entry->kind != entry_kind::user || entry->lines.empty())
            return std::nullopt;
        std::vector<std::string> lines;
        for (auto const& line : entry->lines)
            lines.emplace_back(line.text);
        return lines;
    }

private:
    std::unique_ptr<probe_cache> cache_;
};

/// The trace commands cached for `spec` in the binary at `real_path` (one lookup; for many,
/// keep a `cached_commands`).
inline std::optional<std::vector<std::string>>
find_cached_command(build_id_dir const& dir, char const* real_path, std::string_view spec)
{
    return cached_commands(dir, real_path).find(spec);
}
#endif

} // namespace probekit
