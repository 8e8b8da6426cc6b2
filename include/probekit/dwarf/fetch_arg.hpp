// One fetch argument of a uprobe/kprobe event, as the argument resolver produces it:
// a base (register, `@symbol`, immediate or verbatim text), a chain of dereferences and a
// type. `append_fetch_arg` writes it exactly as perf 6.1 synthesizes it:
//
//   x=+4(+32(-24(%bp))):s32      base %bp, derefs {-24, +32, +4} (innermost first)
//   y=@g_origin+4:s32            base @g_origin, the first "deref" is the symbol offset
//   label=+u16(-24(%bp)):x64     an `@user` dereference
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::dwarf {

/// `OFFSET(...)`: read memory at the inner value plus `offset`.
struct fetch_deref {
    std::int64_t offset = 0;
    bool user = false; ///< `+uOFFSET(...)`: the address is in user memory

    friend bool operator==(fetch_deref const&, fetch_deref const&) = default;
};

/// A resolved argument. A base starting with `@` and a non-empty chain is `@SYM+OFF`: its
/// first element is the symbol offset, not a dereference.
struct fetch_arg {
    std::string name;                 ///< argument name; unused when `has_name` is false
    std::string base;                 ///< `%di`, `@g_counter`, `\deade12d`, `$comm`, ...
    std::vector<fetch_deref> derefs;  ///< innermost first
    std::string type;                 ///< `s32`, `string`, `b3@1/32`; see `has_type`
    bool has_name = false;
    bool has_type = false;

    friend bool operator==(fetch_arg const&, fetch_arg const&) = default;
};

namespace detail {
inline void append_signed(std::string& out, std::int64_t value)
{
    if (value >= 0)
        out += '+';
    out += std::to_string(value);
}
} // namespace detail

/// Appends `[NAME=]FETCH[:TYPE]` (no leading blank) to `out`.
inline void append_fetch_arg(std::string& out, fetch_arg const& arg)
{
    if (arg.has_name) {
        out += arg.name;
        out += '=';
    }

    // e.g. "@g_origin" with derefs {4}: the first element is the symbol's offset
    bool const symbol = !arg.base.empty() && arg.base.front() == '@' && !arg.derefs.empty();
    std::size_t const first = symbol ? 1 : 0;
    for (std::size_t i = arg.derefs.size(); i-- > first;) {
        if (arg.derefs[i].user) {
            out += "+u";
            out += std::to_string(arg.derefs[i].offset);
        } else {
            detail::append_signed(out, arg.derefs[i].offset);
        }
        out += '(';
    }
    out += arg.base;
    if (symbol)
        detail::append_signed(out, arg.derefs.front().offset);
    out.append(arg.derefs.size() - first, ')');

    if (arg.has_type) {
        out += ':';
        out += arg.type;
    }
}

/// The text of one fetch argument, e.g. `x=+0(%di):s32`.
inline std::string to_string(fetch_arg const& arg)
{
    std::string out;
    append_fetch_arg(out, arg);
    return out;
}

} // namespace probekit::dwarf
