// The `probes` file, as perf 6.1 reads and writes it (docs/cache.md):
//
//   file  = { entry } ;                  entry = header NL { trace-line NL } ;
//   header = "#" perf-probe-command | "%" perf-probe-command (an SDT note) ;
//
//   %sdt_myprov:myev=myev
//   p:sdt_myprov/myev /opt/demo/app0:0x124a arg1=-8(%bp):s32 arg2=-36(%bp):u8
//   #area x=p->x w
//   p:probe_app0/area /opt/demo/app0:0x1164 x=+0(-24(%bp)):s32 w=-28(%bp):s32
//
// perf gives up on the whole file when one header does not parse; probekit keeps going:
// the bad entry (and trace lines before any header) becomes a `malformed` entry that is
// reported with its line number and written back byte for byte, so the good entries stay
// usable and a commit loses nothing. A trace line the trace grammar refuses is reported
// but kept in its entry: perf never checks them, and writes some that the kernel refuses.
#pragma once

#include <probekit/cache/arena.hpp>
#include <probekit/cache/entry.hpp>
#include <probekit/cache/entry_syntax.hpp>
#include <probekit/error.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <new>
#include <string_view>

namespace probekit {

/// Where a serialized cache goes. `append` returns false when the sink failed (full, I/O).
template <typename S>
concept cache_sink = requires(S& sink, std::string_view text) {
    { sink.append(text) } -> std::same_as<bool>;
};

/// Inserts `line` into `lines` keeping them sorted and unique (perf's strlist order).
/// Returns false when an equal line was there already (then `line` stays unlinked).
/// Complexity: constant when `line` sorts last (the common case of a perf file), else
/// linear in the entry's lines.
inline bool insert_sorted(cache_line_list& lines, cache_line& line) noexcept
{
    auto it = lines.end();
    while (it != lines.begin()) {
        auto const prev = std::prev(it);
        if (prev->text == line.text)
            return false;
        if (prev->text < line.text)
            break;
        it = prev;
    }
    lines.insert(it, line);
    return true;
}

/// Parses `text` into `entries` (appended), taking every node from `arena`; strings are
/// views into `text`, which must outlive them. Problems go to `diagnostics`.
/// Errors: io when the arena is full. Complexity: linear in `text`; three arena
/// allocations plus one per diagnostic.
inline result<std::size_t> load_cache_text(std::string_view text, cache_arena& arena,
                                           cache_entry_list& entries,
                                           cache_diagnostic_list& diagnostics)
{
    auto const out_of_memory = parse_error{error_kind::io, 0, 0, {},
                                           "the cache does not fit in its memory", {}};

    // Pass 1: how many nodes, so that they come in two blocks.
    std::size_t headers = 0;
    std::size_t lines = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t const nl = text.find('\n', pos);
        if (text[pos] == '#' || text[pos] == '%')
            ++headers;
        else
            ++lines;
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    auto* const entry_nodes = arena.allocate_array<cache_entry>(headers + 1);
    auto* const line_nodes = arena.allocate_array<cache_line>(lines);
    if (entry_nodes == nullptr || (lines > 0 && line_nodes == nullptr))
        return out_of_memory;

    // Pass 2: build the entries. Lines go in file order first; a sound entry is sorted at
    // its end (already sorted in any file perf wrote), a malformed one is kept as is.
    std::size_t used_entries = 0;
    std::size_t used_lines = 0;
    cache_entry* current = nullptr;
    auto const diagnose = [&](std::size_t line_no, std::size_t column, std::string_view line,
                              std::string_view message, bool malformed = true) {
        auto* const d = arena.allocate_array<cache_diagnostic>(1);
        if (d == nullptr)
            return false;
        auto* const node = new (d) cache_diagnostic;
        node->line = line_no;
        node->column = column;
        node->text = line;
        node->message = message;
        node->malformed = malformed;
        diagnostics.push_back(*node);
        return true;
    };
    auto const finish = [&](cache_entry* entry) {
        if (entry == nullptr || entry->kind == entry_kind::malformed)
            return;
        auto const less = [](cache_line const& a, cache_line const& b) { return a.text < b.text; };
        auto const same = [](cache_line const& a, cache_line const& b) {
            return a.text == b.text;
        };
        entry->lines.sort(less);
        entry->lines.unique(same);
    };

    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t const nl = text.find('\n', pos);
        std::size_t const end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view const line = text.substr(pos, end - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;

        if (!line.empty() && (line[0] == '#' || line[0] == '%')) {
            // e.g. "#probe_app0:area_L3=area:3 w"
            finish(current);
            current = new (entry_nodes + used_entries++) cache_entry;
            current->kind = line[0] == '#' ? entry_kind::user : entry_kind::sdt;
            current->spec = line.substr(1);
            current->line = line_no;
            auto const names = cache_syntax::parse_header(current->spec, current->kind);
            if (names) {
                current->group = names->group;
                current->event = names->event;
            } else {
                current->kind = entry_kind::malformed;
                current->spec = line;
                if (!diagnose(line_no, names.error().offset + 1, line, names.error().message))
                    return out_of_memory;
            }
            entries.push_back(*current);
            continue;
        }

        // e.g. "p:probe_app0/area /opt/demo/app0:0x1164"
        if (current == nullptr) {
            current = new (entry_nodes + used_entries++) cache_entry;
            current->kind = entry_kind::malformed;
            current->line = line_no;
            entries.push_back(*current);
            if (!diagnose(line_no, 0, line, "a trace line comes before any entry header"))
                return out_of_memory;
        } else if (current->kind != entry_kind::malformed) {
            // perf stores trace lines unchecked, and writes some the kernel refuses (two
            // arguments of one name, `@sym` in a uprobe): report them, keep the entry.
            if (auto const bad = cache_syntax::check_line(line))
                if (!diagnose(line_no, bad->offset, line, bad->message, false))
                    return out_of_memory;
        }
        auto* const node = new (line_nodes + used_lines++) cache_line;
        node->text = line;
        current->lines.push_back(*node);
    }
    finish(current);
    return used_entries;
}

/// Writes `entries` in the file format. Returns false when the sink failed.
/// Complexity: linear in the output.
template <cache_sink Sink>
bool write_cache_text(cache_entry_list const& entries, Sink& sink)
{
    for (auto const& entry : entries) {
        // A malformed entry without a header (lines before the first one) has no spec.
        if (entry.kind != entry_kind::malformed || !entry.spec.empty()) {
            if (!sink.append(entry.prefix()) || !sink.append(entry.spec) || !sink.append("\n"))
                return false;
        }
        for (auto const& line : entry.lines)
            if (!sink.append(line.text) || !sink.append("\n"))
                return false;
    }
    return true;
}

} // namespace probekit
