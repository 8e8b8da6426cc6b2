// The probe cache of one binary: what `perf probe --cache` keeps per build-id so that the
// next `--add` of the same command needs no debuginfo.
//
//   probekit::probe_cache cache{probekit::filesystem_store{dir + "/probes"}};
//   if (auto loaded = cache.load(); !loaded) ...          // error: cannot read
//   for (auto const& d : cache.diagnostics()) ...           // line N: malformed entry
//   if (auto const* e = cache.find_command("area x=p->x w")) use(e->lines);
//   cache.add(entry_kind::user, "probe_app0:ev=area w", lines);
//   cache.commit();                                         // lock, re-read, apply, rename
//
// Changes are kept twice: applied to the loaded entries at once (so find and list see them)
// and recorded in a journal. A commit re-reads the file under the store's lock and replays
// the journal on what is there now, so concurrent writers each keep the others' entries.
// Entries, lines, strings and journal records all live in one arena (`cache_arena`).
#pragma once

#include <probekit/cache/arena.hpp>
#include <probekit/cache/entry.hpp>
#include <probekit/cache/format.hpp>
#include <probekit/error.hpp>
#include <probekit/store/filesystem.hpp>
#include <probekit/store/store.hpp>
#include <probekit/strfilter.hpp>

#include <boost/intrusive/slist.hpp>

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>

namespace probekit {

template <cache_store Store = filesystem_store>
class basic_probe_cache {
public:
    explicit basic_probe_cache(Store store)
        : store_(std::move(store)), arena_(store_.arena_memory(), Store::may_grow)
    {
    }
    basic_probe_cache(basic_probe_cache const&) = delete;
    basic_probe_cache& operator=(basic_probe_cache const&) = delete;
    ~basic_probe_cache() { clear(); }

    Store& store() noexcept { return store_; }

    /// (Re)reads the file, dropping uncommitted changes. Malformed entries are kept and
    /// listed in `diagnostics()`. Errors: io when the file cannot be read (the cache is
    /// then empty, and a commit is refused). Complexity: linear; O(1) allocations.
    result<store_done> load()
    {
        clear();
        arena_.release();
        readable_ = false;
        auto const text = store_.read(arena_);
        if (!text)
            return text.error();
        auto const loaded = load_cache_text(*text, arena_, entries_, diagnostics_);
        if (!loaded)
            return loaded.error();
        readable_ = true;
        return store_done{};
    }

    cache_entry_list const& entries() const noexcept { return entries_; }
    cache_diagnostic_list const& diagnostics() const noexcept { return diagnostics_; }
    bool empty() const noexcept { return entries_.empty(); }
    /// Uncommitted changes exist.
    bool dirty() const noexcept { return !journal_.empty(); }

    /// The entry named `group:event` exactly (perf's find_by_name). Complexity: linear.
    cache_entry const* find_by_name(std::string_view group, std::string_view event) const noexcept
    {
        for (auto const& e : entries_)
            if (e.kind != entry_kind::malformed && e.named() && e.group == group &&
                e.event == event)
                return &e;
        return nullptr;
    }

    /// The entry whose header is `spec` exactly (the normalized command). Complexity: linear.
    cache_entry const* find_command(std::string_view spec) const noexcept
    {
        for (auto const& e : entries_)
            if (e.kind != entry_kind::malformed && e.spec == spec)
                return &e;
        return nullptr;
    }

    /// Does `filter` select `e`? perf compares `GROUP:EVENT` of a named entry and the whole
    /// command of an unnamed one; malformed entries are never selected.
    static bool selects(strfilter const& filter, cache_entry const& e)
    {
        if (e.kind == entry_kind::malformed)
            return false;
        if (!e.named())
            return filter.match(e.spec);
        char stack[512];
        std::size_t const n = e.group.size() + 1 + e.event.size();
        if (n > sizeof stack) {
            std::string joined;
            joined.append(e.group).append(":").append(e.event);
            return filter.match(joined);
        }
        // std::copy, not memcpy: an entry named `ev=...` has an empty (null) group.
        std::copy(e.group.begin(), e.group.end(), stack);
        stack[e.group.size()] = ':';
        std::copy(e.event.begin(), e.event.end(), stack + e.group.size() + 1);
        return filter.match({stack, n});
    }

    /// Adds (or replaces) the entry for command `spec` with trace lines `lines`. An old
    /// entry with the same command, or the same `GROUP:EVENT` when `spec` names one, is
    /// removed; the new one goes last, as perf does. Re-adding with no lines keeps the old
    /// entry's lines (perf 6.1 empties them: fault F2).
    /// Errors: invalid when `spec` is not a command; io when memory runs out.
    /// Complexity: linear in the entries.
    result<store_done> add(entry_kind kind, std::string_view spec,
                           std::span<std::string_view const> lines)
    {
        auto const names = cache_syntax::parse_header(spec, kind);
        if (!names)
            return names.error();

        // Copy the strings into the arena: the caller's may go away.
        auto* const op = make<journal_op>();
        auto* const texts = arena_.allocate_array<std::string_view>(lines.size());
        if (op == nullptr || (!lines.empty() && texts == nullptr))
            return out_of_memory();
        op->kind = journal_op::add;
        op->entry = kind;
        op->spec = copy(spec);
        if (op->spec.data() == nullptr)
            return out_of_memory();
        auto const base = op->spec.data() - spec.data();
        op->group = names->group.empty() ? std::string_view()
                                         : std::string_view(names->group.data() + base,
                                                            names->group.size());
        op->event = names->event.empty() ? std::string_view()
                                         : std::string_view(names->event.data() + base,
                                                            names->event.size());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            texts[i] = copy(lines[i]);
            if (texts[i].data() == nullptr && !lines[i].empty())
                return out_of_memory();
        }
        op->lines = {texts, lines.size()};

        if (!apply(*op, entries_))
            return out_of_memory();
        journal_.push_back(*op);
        return store_done{};
    }

    /// Removes every entry that `filter` selects, calling `removed(entry)` for each before
    /// it goes. Returns how many went. Errors: io when memory runs out.
    template <typename F>
    result<std::size_t> remove(strfilter const& filter, F removed)
    {
        std::size_t count = 0;
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (!selects(filter, *it)) {
                ++it;
                continue;
            }
            auto* const op = make<journal_op>();
            if (op == nullptr)
                return out_of_memory();
            op->kind = journal_op::remove;
            op->entry = it->kind;
            op->spec = it->spec;
            journal_.push_back(*op);
            removed(*it);
            it = erase(it);
            ++count;
        }
        return count;
    }

    /// Writes the changes since `load()`: under the store's lock, re-reads the file,
    /// replays them on it, replaces it atomically, and reloads. Nothing is written when
    /// nothing changed. Errors: io (the file is then unchanged); invalid when the cache
    /// could not be read at load time (a file we could not read is never overwritten).
    result<store_done> commit()
    {
        if (journal_.empty())
            return store_done{};
        if (!readable_)
            return parse_error{error_kind::io, 0, 0, {},
                               "the probe cache was not read, so it is not written", {}};

        auto rewrite = [this](std::string_view current, store_sink& out) -> result<store_done> {
            cache_entry_list fresh;
            cache_diagnostic_list fresh_diagnostics;
            auto const loaded = load_cache_text(current, arena_, fresh, fresh_diagnostics);
            if (loaded)
                for (auto const& op : journal_)
                    if (!apply(op, fresh)) {
                        dispose(fresh, fresh_diagnostics);
                        return out_of_memory();
                    }
            struct adaptor {
                store_sink& out;
                bool append(std::string_view s) { return out.append(s); }
            } sink{out};
            bool const written = loaded && write_cache_text(fresh, sink);
            dispose(fresh, fresh_diagnostics);
            if (!loaded)
                return loaded.error();
            if (!written)
                return parse_error{error_kind::io, 0, 0, {}, "cannot write the probe cache", {}};
            return store_done{};
        };
        auto done = store_.commit(arena_, rewrite);
        if (!done)
            return done;
        return load();
    }

private:
    struct journal_op : bi::slist_base_hook<> {
        enum op_kind : unsigned char { add, remove } kind = add;
        entry_kind entry = entry_kind::user;
        std::string_view spec, group, event;
        std::span<std::string_view const> lines;
    };
    using journal_list = bi::slist<journal_op, bi::cache_last<true>>;

    static parse_error out_of_memory() noexcept
    {
        return parse_error{error_kind::io, 0, 0, {}, "the cache does not fit in its memory", {}};
    }

    template <typename T>
    T* make() noexcept
    {
        T* const p = arena_.allocate_array<T>(1);
        return p == nullptr ? nullptr : new (p) T;
    }

    std::string_view copy(std::string_view s) noexcept
    {
        char* const p = arena_.allocate_array<char>(s.size() + 1);
        if (p == nullptr)
            return {};
        std::memcpy(p, s.data(), s.size());
        return {p, s.size()};
    }

    /// Applies one change to `list`. Returns false when memory ran out.
    bool apply(journal_op const& op, cache_entry_list& list) noexcept
    {
        if (op.kind == journal_op::remove) {
            for (auto it = list.begin(); it != list.end();)
                it = it->kind == op.entry && it->spec == op.spec ? erase_from(list, it)
                                                                 : std::next(it);
            return true;
        }

        auto* const entry = make<cache_entry>();
        if (entry == nullptr)
            return false;
        entry->kind = op.entry;
        entry->spec = op.spec;
        entry->group = op.group;
        entry->event = op.event;
        for (auto const& text : op.lines) {
            auto* const line = make<cache_line>();
            if (line == nullptr) {
                entry->lines.clear();
                return false;
            }
            line->text = text;
            insert_sorted(entry->lines, *line);
        }

        // perf's find(): the same name, or the same command, selects the old entry.
        for (auto it = list.begin(); it != list.end();) {
            bool const same =
                it->kind != entry_kind::malformed &&
                ((entry->named() && it->group == entry->group && it->event == entry->event) ||
                 it->spec == entry->spec);
            if (!same) {
                ++it;
                continue;
            }
            if (entry->lines.empty()) // F2: never replace lines with none
                entry->lines.splice(entry->lines.end(), it->lines);
            it = erase_from(list, it);
        }
        list.push_back(*entry);
        return true;
    }

    static cache_entry_list::iterator erase_from(cache_entry_list& list,
                                                 cache_entry_list::iterator it) noexcept
    {
        it->lines.clear();
        return list.erase(it);
    }

    cache_entry_list::iterator erase(cache_entry_list::iterator it) noexcept
    {
        return erase_from(entries_, it);
    }

    static void dispose(cache_entry_list& list, cache_diagnostic_list& diagnostics) noexcept
    {
        while (!list.empty())
            erase_from(list, list.begin());
        diagnostics.clear();
    }

    /// Unlinks everything, so that safe-mode hooks are happy when the arena goes.
    void clear() noexcept
    {
        dispose(entries_, diagnostics_);
        journal_.clear();
    }

    Store store_;
    cache_arena arena_;
    cache_entry_list entries_;
    cache_diagnostic_list diagnostics_;
    journal_list journal_;
    bool readable_ = false;
};

/// The default cache: perf's directory layout on a file system.
using probe_cache = basic_probe_cache<filesystem_store>;

} // namespace probekit
