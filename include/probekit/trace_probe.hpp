// Parsing and synthesizing trace commands, the lines the kernel takes in uprobe_events,
// kprobe_events and dynamic_events:
//
//   probekit::trace_probe_storage storage;   // fixed capacity, reusable
//   auto const ev = probekit::parse_trace_probe("p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32",
//                                               probekit::trace_kind::automatic, storage);
//   // ev->kind == uprobe, ev->args[0].derefs == {-24, 0}, ev->args[0].type == s32
//   std::string line;
//   probekit::synthesize_trace_probe(*ev, line);  // "p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32"
//
// The parser accepts what the kernel accepts for the kind (the kprobe and uprobe parsers
// differ), with the kernel's error positions and names (`parse_error::code`, e.g.
// "BAD_MAXACT"); it reads both perf's form (`:0x115d`) and the kernel's listing
// (`:0x000000000000115d`). Synthesis writes perf 6.1's form, byte for byte.
#pragma once

#include <probekit/error.hpp>
#include <probekit/grammar/trace_probe_def.hpp>
#include <probekit/trace_probe_event.hpp>

#include <array>
#include <cstring>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// Most arguments the storage of a view parse holds (the kernel's MAX_TRACE_ARGS).
#ifndef PROBEKIT_MAX_TRACE_ARGS
#define PROBEKIT_MAX_TRACE_ARGS 128
#endif

/// Most dereferences over all arguments of one line in the storage of a view parse (each
/// argument has at most 15; a line beyond this fails with error_kind::unsupported).
#ifndef PROBEKIT_MAX_TRACE_DEREFS
#define PROBEKIT_MAX_TRACE_DEREFS 512
#endif

namespace probekit {

/// Caller-supplied room for the arguments and dereference chains of a view parse.
struct trace_probe_storage {
    std::array<trace_arg_view, PROBEKIT_MAX_TRACE_ARGS> args;
    std::array<fetch_deref_view, PROBEKIT_MAX_TRACE_DEREFS> derefs;
};

/// "auto", "kprobe", "uprobe", "eprobe", "fprobe", "tprobe".
inline std::optional<trace_kind> parse_trace_kind(std::string_view name) noexcept
{
    for (auto const kind : {trace_kind::automatic, trace_kind::kprobe, trace_kind::uprobe,
                            trace_kind::eprobe, trace_kind::fprobe, trace_kind::tprobe})
        if (to_string(kind) == name)
            return kind;
    return std::nullopt;
}

/// Parses one trace command as the kernel's parser for `kind` would. The view points into
/// `text` and `storage`, which must outlive it; nothing is allocated.
/// Errors: the kernel's position and name (`code`) where the kernel reports one.
inline result<trace_probe_view> parse_trace_probe(std::string_view text, trace_kind kind,
                                                  trace_probe_storage& storage) noexcept
{
    result<trace_probe_view> parsed{trace_probe_view{}};
    grammar::trace::trace_sink sink{*parsed, storage.args, storage.derefs};
    if (auto const error = grammar::trace::parse_line(text, kind, sink))
        parsed = *error;
    return parsed;
}

/// The owning form of `parse_trace_probe`.
inline result<trace_probe_event> parse_trace_probe(std::string_view text,
                                                   trace_kind kind = trace_kind::automatic)
{
    thread_local trace_probe_storage storage;
    auto const view = parse_trace_probe(text, kind, storage);
    if (!view)
        return view.error();
    return to_owning(*view);
}

namespace detail::trace {

/// Writes into a buffer sized in advance; `synthesize_trace_probe` computes the bound.
struct writer {
    char* p;

    void put(char c) noexcept { *p++ = c; }
    void put(std::string_view s) noexcept
    {
        if (!s.empty())
            std::memcpy(p, s.data(), s.size());
        p += s.size();
    }
    void dec(std::uint64_t v) noexcept
    {
        char digits[20];
        int n = 0;
        do {
            digits[n++] = char('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n != 0)
            *p++ = digits[--n];
    }
    /// Decimal, or `0x` hex where that is shorter (from 2^40 on): never longer than any
    /// way the kernel reads the number, so a canonical argument stays within its 63 bytes.
    void shortest(std::uint64_t v) noexcept
    {
        int decimal_digits = 1;
        for (std::uint64_t rest = v / 10; rest != 0; rest /= 10)
            ++decimal_digits;
        int hex_digits = 1;
        for (std::uint64_t rest = v >> 4; rest != 0; rest >>= 4)
            ++hex_digits;
        if (hex_digits + 2 < decimal_digits)
            hex(v);
        else
            dec(v);
    }
    /// `shortest` with a sign: "+16", "-24", always signed as `%+ld` writes it
    void signed_shortest(std::int64_t v) noexcept
    {
        put(v < 0 ? '-' : '+');
        shortest(v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v));
    }
    /// `0x%lx`
    void hex(std::uint64_t v) noexcept
    {
        put("0x");
        char digits[16];
        int n = 0;
        do {
            digits[n++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v != 0);
        while (n != 0)
            *p++ = digits[--n];
    }
};

/// Bytes any number takes at most ("-0x" and 16 digits, or 20 digits and a sign).
inline constexpr std::size_t number_room = 24;

template <typename Strings>
std::size_t size_bound(basic_trace_probe_event<Strings> const& ev) noexcept
{
    auto const& p = ev.place;
    // "r4096:" G "/" E " " path ":" 0x.. "(" 0x.. ")" or mod ":" sym "+" N, " if " filter
    std::size_t n = 8 + ev.group.size() + ev.event.size() + p.path.size() + p.module.size() +
                    p.symbol.size() + p.system.size() + 3 * number_room + 10 +
                    ev.filter.size();
    for (auto const& a : ev.args) {
        // " " name "=" base (one number) ":" type, e.g. "b64@64/64[64]" (13)
        n += 10 + a.name.size() + a.text.size() + number_room + 16;
        for (auto const& d : a.derefs)
            n += 4 + number_room + d.trailing.size();
    }
    return n;
}

inline void put_type(writer& w, trace_type const& t) noexcept
{
    using k = fetch_type_kind;
    if (t.kind == k::none)
        return;
    w.put(':');
    switch (t.kind) {
    case k::none: break;
    case k::unsigned_int: w.put('u'); w.dec(t.bits); break;
    case k::signed_int: w.put('s'); w.dec(t.bits); break;
    case k::hex: w.put('x'); w.dec(t.bits); break;
    case k::character: w.put("char"); break;
    case k::string: w.put("string"); break;
    case k::user_string: w.put("ustring"); break;
    case k::symbol: w.put("symbol"); break;
    case k::symbol_string: w.put("symstr"); break;
    case k::dentry: w.put("%pd"); break;
    case k::file: w.put("%pD"); break;
    case k::bitfield:
        w.put('b');
        w.dec(t.bit_width);
        w.put('@');
        w.dec(t.bit_offset);
        w.put('/');
        w.dec(t.bits);
        break;
    }
    if (t.array_count != 0) {
        w.put('[');
        w.dec(t.array_count);
        w.put(']');
    }
}

/// The argument body (after `NAME=`): perf writes a negative user offset as "+u-5(", a
/// byte longer than "-u5(", which the kernel reads the same; `short_user` writes the latter.
template <typename Strings>
void put_arg_body(writer& w, basic_trace_arg<Strings> const& a, bool short_user) noexcept
{
    // e.g. "+0(-24(" for {-24, 0}: the outermost dereference is written first
    for (std::size_t i = a.derefs.size(); i-- != 0;) {
        auto const& d = a.derefs[i];
        if (d.user) {
            w.put(d.offset < 0 && short_user ? "-u" : d.offset < 0 ? "+u-" : "+u");
            w.shortest(d.offset < 0 ? 0 - static_cast<std::uint64_t>(d.offset)
                                    : static_cast<std::uint64_t>(d.offset));
        } else {
            w.signed_shortest(d.offset);
        }
        w.put('(');
    }
    switch (a.base) {
    case fetch_base::reg: w.put('%'); w.put(a.text); break;
    case fetch_base::memory: w.put('@'); w.shortest(a.value); break;
    case fetch_base::file_offset:
        w.put("@+");
        if (a.offset < 0)
            w.put('-');
        w.shortest(a.offset < 0 ? 0 - static_cast<std::uint64_t>(a.offset)
                                : static_cast<std::uint64_t>(a.offset));
        break;
    case fetch_base::symbol:
        w.put('@');
        w.put(a.text);
        if (a.has_offset || a.offset != 0)
            w.signed_shortest(a.offset);
        break;
    case fetch_base::stack: w.put("$stack"); w.dec(a.value); break;
    case fetch_base::stack_pointer: w.put("$stack"); break;
    case fetch_base::retval: w.put("$retval"); break;
    case fetch_base::comm:
        w.put('$');
        w.put(a.text.empty() ? std::string_view("comm") : std::string_view(a.text));
        break;
    case fetch_base::arg: w.put("$arg"); w.dec(a.value); break;
    case fetch_base::immediate:
        w.put('\\');
        if (a.negative)
            w.put('-');
        w.shortest(a.negative ? 0 - a.value : a.value);
        break;
    case fetch_base::string: w.put("\\\""); w.put(a.text); w.put('"'); break;
    case fetch_base::event_field: w.put('$'); w.put(a.text); break;
    case fetch_base::btf: w.put(a.text); break;
    }
    for (auto const& d : a.derefs) {
        w.put(')');
        w.put(d.trailing);
    }
    put_type(w, a.type);
}

template <typename Strings>
void put_arg(writer& w, basic_trace_arg<Strings> const& a) noexcept
{
    if (!a.name.empty()) {
        w.put(a.name);
        w.put('=');
    }
    // perf's spelling, unless it takes the body over the kernel's 63 bytes where "-u5("
    // (as a kernel-read "-u5(" line had it) fits: the canonical line must read back.
    char* const body = w.p;
    put_arg_body(w, a, false);
    if (static_cast<std::size_t>(w.p - body) > grammar::trace::max_argstr_len) {
        w.p = body;
        put_arg_body(w, a, true);
    }
}

} // namespace detail::trace

/// Appends the line for `ev` to `out`, as perf 6.1's synthesize_probe_trace_command()
/// writes it: `0x115d` (not the kernel's zero-padded listing), `SYM+OFFS` with the offset
/// always written, `r` for any kprobe or uprobe return probe. Nothing is validated: an
/// event built by hand is written as it is.
template <typename Strings>
[[gnu::flatten]] void synthesize_trace_probe(basic_trace_probe_event<Strings> const& ev,
                                            std::string& out)
{
    // flatten: the writer's steps are inlined here whatever else the translation unit
    // holds (left to the unit's inlining budget, a larger parser cost synthesis 10%).
    std::size_t const old_size = out.size();
    out.resize(old_size + detail::trace::size_bound(ev));
    detail::trace::writer w{out.data() + old_size};
    auto const& p = ev.place;

    trace_kind kind = ev.kind;
    if (kind == trace_kind::automatic && ev.has_place)
        kind = std::string_view(p.path).empty() ? trace_kind::kprobe : trace_kind::uprobe;

    // e.g. "r100:grp/ev", "-:grp/ev", "p"
    if (ev.remove) {
        w.put('-');
    } else {
        switch (kind) {
        case trace_kind::eprobe: w.put('e'); break;
        case trace_kind::fprobe: w.put('f'); break;
        case trace_kind::tprobe: w.put('t'); break;
        default: w.put(ev.retprobe ? 'r' : 'p'); break;
        }
        if (ev.maxactive != 0)
            w.dec(ev.maxactive);
    }
    if (ev.remove || !ev.group.empty() || !ev.event.empty()) {
        w.put(':');
        if (!ev.group.empty()) {
            w.put(ev.group);
            w.put('/');
        }
        w.put(ev.event);
    }

    if (ev.has_place) {
        w.put(' ');
        switch (kind) {
        case trace_kind::uprobe:
            w.put(p.path);
            w.put(':');
            w.hex(p.address);
            if (ev.remove && ev.retprobe) // no 'r' to say it
                w.put("%return");
            if (p.has_ref_ctr) {
                w.put('(');
                w.hex(p.ref_ctr_offset);
                w.put(')');
            }
            break;
        case trace_kind::eprobe:
            w.put(p.system);
            w.put('/');
            w.put(p.symbol);
            break;
        case trace_kind::fprobe:
            w.put(p.symbol);
            if (ev.retprobe)
                w.put("%return");
            break;
        case trace_kind::tprobe: w.put(p.symbol); break;
        default:
            if (!std::string_view(p.module).empty()) {
                w.put(p.module);
                w.put(':');
            }
            if (p.is_address) {
                w.hex(p.address);
            } else {
                w.put(p.symbol);
                w.put('+');
                w.dec(p.offset);
                if (ev.remove && ev.retprobe)
                    w.put("%return");
            }
            break;
        }
    }
    for (auto const& a : ev.args) {
        w.put(' ');
        detail::trace::put_arg(w, a);
    }
    if (ev.has_filter) {
        w.put(" if ");
        w.put(ev.filter);
    }
    out.resize(static_cast<std::size_t>(w.p - out.data()));
}

} // namespace probekit
