// One entry of a probe cache: the perf-probe command that was resolved (its "header"), and
// the trace commands it resolved to. Entries and their lines are nodes of Boost.Intrusive
// lists; every string is a view into the loaded file or into the cache's arena, so an entry
// costs no allocation of its own.
//
//   #probe_app0:area_L3=area:3 w                              <- header, kind user
//   p:probe_app0/area_L3 /opt/demo/app0:0x1173 w=-28(%bp):s32 <- trace lines (sorted, unique)
//   p:probe_app0/area_L3 /opt/demo/app0:0x117a w=-28(%bp):s32
#pragma once

#include <boost/intrusive/list.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace probekit {

namespace bi = boost::intrusive;

#ifndef NDEBUG
// Debug builds catch destroying or re-linking an entry that is still in a list.
using cache_link_mode = bi::link_mode<bi::safe_link>;
#else
using cache_link_mode = bi::link_mode<bi::normal_link>;
#endif

/// One trace command of an entry (`p:GRP/EV PATH:0xADDR ARGS`), without its newline.
struct cache_line : bi::list_base_hook<cache_link_mode> {
    std::string_view text;
};

using cache_line_list = bi::list<cache_line, bi::constant_time_size<true>>;

/// How an entry's header is written in the file.
enum class entry_kind : std::uint8_t {
    user,      ///< `#CMD`: an event added with `perf probe --cache`
    sdt,       ///< `%CMD`: an SDT note imported with the binary
    malformed, ///< lines we could not read; kept verbatim so a commit never loses them
};

/// One cache entry. Requires: not destroyed while linked (checked in debug builds).
struct cache_entry : bi::list_base_hook<cache_link_mode> {
    entry_kind kind = entry_kind::user;
    std::string_view spec;  ///< header after `#`/`%`; for malformed entries the raw line
    std::string_view group; ///< the header's group, if it names an event
    std::string_view event; ///< the header's event name; empty for unnamed commands
    std::size_t line = 0;   ///< 1-based line of the header in the loaded file; 0 if added
    cache_line_list lines;  ///< sorted and unique, except in malformed entries (file order)

    bool named() const noexcept { return !event.empty(); }

    /// The header character for the file (`#`, `%`; none for malformed entries).
    std::string_view prefix() const noexcept
    {
        return kind == entry_kind::user ? "#" : kind == entry_kind::sdt ? "%" : "";
    }
};

using cache_entry_list = bi::list<cache_entry, bi::constant_time_size<true>>;

/// A problem found while loading: where, and what.
struct cache_diagnostic : bi::list_base_hook<cache_link_mode> {
    std::size_t line = 0;     ///< 1-based line in the file
    std::size_t column = 0;   ///< 0-based byte offset in that line
    std::string_view text;    ///< the line itself
    std::string_view message; ///< static text
    /// The entry could not be read and stays in the cache as `entry_kind::malformed`,
    /// written back unchanged; otherwise only a trace line is suspect and the entry works.
    bool malformed = true;
};

using cache_diagnostic_list = bi::list<cache_diagnostic, bi::constant_time_size<true>>;

} // namespace probekit
