// The model of a trace command: one line of `uprobe_events`, `kprobe_events` or
// `dynamic_events`, in two forms sharing one definition (as in perf_probe_event.hpp):
// `trace_probe_view` holds string_views into the parsed text and spans into caller storage
// (no allocation), `trace_probe_event` owns its strings and vectors.
//
//   p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32
//   \_/\____/ \____________/ \_/\____________/\_/
//   op names   place          name  fetch     type
//
// An argument is a tree, not text: a base fetch (`%bp`), a chain of dereferences applied
// to it from the inside out (`-24(...)` first, then `+0(...)`), and a type.
//
// The owning form is meant to be built by hand (a resolver producing trace commands):
//
//   trace_probe_event ev;
//   ev.kind = trace_kind::uprobe;
//   ev.group = "probe_app"; ev.event = "area";
//   ev.place.path = "/bin/app"; ev.place.address = 0x115d;
//   ev.args.push_back({.name = "x", .base = fetch_base::reg, .text = "bp",
//                      .derefs = {{.offset = -24}, {.offset = 0}},
//                      .type = {.kind = fetch_type_kind::signed_int, .bits = 32}});
//   // synthesize_trace_probe(ev, out) appends
//   //   "p:probe_app/area /bin/app:0x115d x=+0(-24(%bp)):s32"
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// Which kernel parser a line is meant for. `automatic` means: decide as `dynamic_events`
/// does (`p`/`r` with a `/PATH:` place is a uprobe, otherwise a kprobe; `e`, `f`, `t`
/// are eprobe, fprobe, tprobe). A removal without a place stays `automatic` ("any").
enum class trace_kind : std::uint8_t { automatic, kprobe, uprobe, eprobe, fprobe, tprobe };

inline std::string_view to_string(trace_kind kind) noexcept
{
    switch (kind) {
    case trace_kind::automatic: return "auto";
    case trace_kind::kprobe: return "kprobe";
    case trace_kind::uprobe: return "uprobe";
    case trace_kind::eprobe: return "eprobe";
    case trace_kind::fprobe: return "fprobe";
    case trace_kind::tprobe: return "tprobe";
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, trace_kind kind)
{
    return os << to_string(kind);
}

/// The first step of a fetch: where the value comes from.
enum class fetch_base : std::uint8_t {
    reg,           ///< `%REG`; `text` is the name without `%` ("bp")
    memory,        ///< `@ADDR`; `value` is the address
    file_offset,   ///< `@+OFFS` (uprobes); `offset` is the file offset
    symbol,        ///< `@SYM[+-OFFS]` (kernel probes); `text` is SYM, `offset` the offset
    stack,         ///< `$stackN`; `value` is N
    stack_pointer, ///< `$stack`
    retval,        ///< `$retval`
    comm,          ///< `$comm`; `text` is the spelling, "comm" or "COMM" (empty: "comm")
    arg,           ///< `$argN`; `value` is N (1-based)
    immediate,     ///< `\IMM`; `value` holds the bits, `negative` says it was signed
    string,        ///< `\"STR"`; `text` is STR
    event_field,   ///< `$FIELD` of the attached event (eprobes); `text` is FIELD
    btf,           ///< a BTF expression (`file->f_mode`, `$arg*`); `text` verbatim
};

/// The type after `:`.
enum class fetch_type_kind : std::uint8_t {
    none,          ///< no type written (the kernel uses x64/u64)
    unsigned_int,  ///< `u8` .. `u64`
    signed_int,    ///< `s8` .. `s64`
    hex,           ///< `x8` .. `x64`
    character,     ///< `char`
    string,        ///< `string`
    user_string,   ///< `ustring`
    symbol,        ///< `symbol` (kernel probes)
    symbol_string, ///< `symstr` (kernel probes)
    dentry,        ///< `%pd` (kernel probes)
    file,          ///< `%pD` (kernel probes)
    bitfield,      ///< `b<WIDTH>@<OFFSET>/<CONTAINER>`
};

/// A type with its size, bitfield and array parts. `bits` is 8/16/32/64 for the integer
/// kinds and the container size of a bitfield.
struct trace_type {
    fetch_type_kind kind = fetch_type_kind::none;
    std::uint8_t bits = 0;
    std::uint8_t bit_width = 0;   ///< bitfield WIDTH (>= 1)
    std::uint8_t bit_offset = 0;  ///< bitfield OFFSET, counted from the least significant bit
    std::uint8_t array_count = 0; ///< `[N]`, 1..64; 0 = not an array

    friend bool operator==(trace_type const&, trace_type const&) = default;
};

struct trace_view_strings {
    using string = std::string_view;
    template <typename T>
    using sequence = std::span<T const>;
};

struct trace_owning_strings {
    using string = std::string;
    template <typename T>
    using sequence = std::vector<T>;
};

/// One dereference `+OFFS(...)`, `-OFFS(...)` or `+uOFFS(...)` (user memory).
template <typename Strings>
struct basic_fetch_deref {
    std::int64_t offset = 0;
    bool user = false;
    /// Text after the closing `)` that the kernel ignores (`+0(%ax)+10` reads `+10`);
    /// kept so the line reads back as written. Empty in anything a resolver builds.
    typename Strings::string trailing = {};

    friend bool operator==(basic_fetch_deref const&, basic_fetch_deref const&) = default;
};

/// One argument: `[NAME=]FETCH[:TYPE]`.
template <typename Strings>
struct basic_trace_arg {
    typename Strings::string name = {}; ///< empty: unnamed (the kernel calls it `argN`)
    fetch_base base = fetch_base::reg;
    typename Strings::string text = {}; ///< see fetch_base: register, symbol, string, ...
    std::uint64_t value = 0;            ///< address, stack or arg index, immediate bits
    std::int64_t offset = 0;            ///< symbol or file offset
    bool negative = false;              ///< immediate written signed (`\-5`)
    /// Dereferences in the order they apply: `derefs[0]` wraps the base fetch, the last
    /// one is written outermost. `+0(-24(%bp))` is {-24, 0}.
    typename Strings::template sequence<basic_fetch_deref<Strings>> derefs = {};
    trace_type type = {};
    /// `@SYM`: whether the offset is written. perf always writes it (`@counter+0`); a
    /// parsed `@counter` has none, and adding one could take the argument past the
    /// kernel's 63 bytes.
    bool has_offset = true;

    friend bool operator==(basic_trace_arg const& a, basic_trace_arg const& b)
    {
        return a.name == b.name && a.base == b.base && a.text == b.text &&
               a.value == b.value && a.offset == b.offset && a.negative == b.negative &&
               a.type == b.type && a.has_offset == b.has_offset &&
               std::ranges::equal(a.derefs, b.derefs);
    }
};

/// Where the probe goes. Which fields apply depends on the kind:
///   uprobe  `PATH:OFFSET[(REF_CTR)]`       path, address (the file offset), ref_ctr_offset
///   kprobe  `[MOD:]SYM[+OFFS]` | `ADDR`    module, symbol, offset | address with is_address
///   fprobe  `SYM`                          symbol;   tprobe `TRACEPOINT`: symbol
///   eprobe  `SYSTEM/EVENT`                 system, symbol (the attached event)
template <typename Strings>
struct basic_trace_place {
    typename Strings::string path = {};
    typename Strings::string module = {};
    typename Strings::string symbol = {};
    typename Strings::string system = {};
    std::uint64_t address = 0;
    std::uint64_t offset = 0;
    std::uint64_t ref_ctr_offset = 0;
    bool has_ref_ctr = false;
    bool is_address = false;

    friend bool operator==(basic_trace_place const&, basic_trace_place const&) = default;
};

/// A whole trace command.
template <typename Strings>
struct basic_trace_probe_event {
    trace_kind kind = trace_kind::uprobe;
    bool remove = false;         ///< `-:[GROUP/]EVENT [PLACE [ARGS]]`
    bool retprobe = false;       ///< `r`, or a `%return` place
    std::uint32_t maxactive = 0; ///< `r<N>` (kprobes, fprobes); 0 = not given
    typename Strings::string group = {}; ///< empty: the kind's default group
    typename Strings::string event = {}; ///< empty: the kernel names the event
    bool has_place = true;               ///< false only for a removal by name
    basic_trace_place<Strings> place = {};
    typename Strings::template sequence<basic_trace_arg<Strings>> args = {};
    bool has_filter = false;              ///< eprobe `if FILTER`
    typename Strings::string filter = {}; ///< the filter text, verbatim

    friend bool operator==(basic_trace_probe_event const& a, basic_trace_probe_event const& b)
    {
        return a.kind == b.kind && a.remove == b.remove && a.retprobe == b.retprobe &&
               a.maxactive == b.maxactive && a.group == b.group && a.event == b.event &&
               a.has_place == b.has_place && a.place == b.place &&
               a.has_filter == b.has_filter && a.filter == b.filter &&
               std::ranges::equal(a.args, b.args);
    }
};

using fetch_deref_view = basic_fetch_deref<trace_view_strings>;
using trace_arg_view = basic_trace_arg<trace_view_strings>;
using trace_place_view = basic_trace_place<trace_view_strings>;
using trace_probe_view = basic_trace_probe_event<trace_view_strings>;

using fetch_deref = basic_fetch_deref<trace_owning_strings>;
using trace_arg = basic_trace_arg<trace_owning_strings>;
using trace_place = basic_trace_place<trace_owning_strings>;
using trace_probe_event = basic_trace_probe_event<trace_owning_strings>;

/// Copies a view into an owning event (the view's text and storage may then go away).
inline trace_probe_event to_owning(trace_probe_view const& view)
{
    auto const str = [](std::string_view s) { return std::string(s); };
    trace_probe_event ev;
    ev.kind = view.kind;
    ev.remove = view.remove;
    ev.retprobe = view.retprobe;
    ev.maxactive = view.maxactive;
    ev.group = str(view.group);
    ev.event = str(view.event);
    ev.has_place = view.has_place;
    auto const& p = view.place;
    ev.place = {str(p.path), str(p.module), str(p.symbol), str(p.system), p.address,
                p.offset, p.ref_ctr_offset, p.has_ref_ctr, p.is_address};
    ev.has_filter = view.has_filter;
    ev.filter = str(view.filter);

    ev.args.reserve(view.args.size());
    for (auto const& a : view.args) {
        trace_arg arg{str(a.name), a.base,    str(a.text), a.value,     a.offset,
                      a.negative,  {},        a.type,      a.has_offset};
        arg.derefs.reserve(a.derefs.size());
        for (auto const& d : a.derefs)
            arg.derefs.push_back({d.offset, d.user, str(d.trailing)});
        ev.args.push_back(std::move(arg));
    }
    return ev;
}

} // namespace probekit
