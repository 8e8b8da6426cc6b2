// The model of a perf-probe command (`perf probe --add SPEC`), in two forms sharing one
// definition: `perf_probe_view` holds string_views into the parsed text and spans into
// caller-supplied storage (no allocation), `perf_probe_event` owns its strings and vectors.
//
//   grp:ev=compute:6@app.c total p->x:u32
//   \_____/\_______________/ \___/ \______/
//   names   point              args (a field chain and a type)
//
// Strings keep the text exactly as written, escapes included (`memcpy\@GLIBC_2.2.5`), so
// synthesis can give them back; `unescape()` yields the name that the escapes stand for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// How a field access in an argument's chain is written.
enum class field_access : std::uint8_t {
    arrow, ///< `->name`
    dot,   ///< `.name`
    index, ///< `[N]`
};

/// Where the event name of a command comes from.
enum class event_naming : std::uint8_t {
    none,      ///< no name; the resolver names the event after the probed symbol
    given,     ///< `[GROUP:]EVENT=` written by the user
    from_line, ///< perf's parse-time name `FUNC_L<line>` for `FUNC:LINE` without a name
};

struct view_strings {
    using string = std::string_view;
    template <typename T>
    using sequence = std::span<T const>;
};

struct owning_strings {
    using string = std::string;
    template <typename T>
    using sequence = std::vector<T>;
};

/// One step of an argument's field chain.
template <typename Strings>
struct basic_probe_field {
    field_access access = field_access::dot;
    typename Strings::string name; ///< member name; for `[N]` the index text as written
    std::int64_t index = 0;        ///< the value of `N` for `[N]`

    friend bool operator==(basic_probe_field const&, basic_probe_field const&) = default;
};

/// One argument: `[NAME=]VAR{FIELD}[@user][:TYPE]`.
template <typename Strings>
struct basic_probe_arg {
    typename Strings::string name; ///< given name, or perf's default (last member name)
    typename Strings::string var;  ///< C variable, or a verbatim fetch (`%di`, `$retval`)
    typename Strings::template sequence<basic_probe_field<Strings>> fields;
    typename Strings::string type; ///< text after the first `:`, verbatim
    bool has_name = false;         ///< a name is present (given, or derived from a field)
    bool has_type = false;         ///< a `:` was written (the type may be empty)
    bool user_access = false;      ///< `@user`: dereferences read user memory

    friend bool operator==(basic_probe_arg const& a, basic_probe_arg const& b)
    {
        return a.name == b.name && a.var == b.var && a.type == b.type &&
               a.has_name == b.has_name && a.has_type == b.has_type &&
               a.user_access == b.user_access &&
               std::ranges::equal(a.fields, b.fields);
    }
};

/// Where the probe goes, and its names.
template <typename Strings>
struct basic_probe_point {
    typename Strings::string group; ///< given group; empty means the target's default
    typename Strings::string event; ///< given event name (naming == given)
    event_naming naming = event_naming::none;

    typename Strings::string function; ///< function or glob, escapes kept; or `0x...`
    typename Strings::string file;     ///< `@SRC` or a file spec's source, escapes kept
    typename Strings::string lazy;     ///< pattern after `;`, escapes kept
    std::uint64_t line = 0;            ///< `:LINE` (relative to function) or `SRC:LINE`; 0 = none
    std::uint64_t offset = 0;          ///< `+OFFS`; 0 = none
    std::uint64_t address = 0;         ///< absolute address when `is_address`
    bool has_function = false;
    bool has_file = false; ///< `@` written (perf keeps an empty `compute@`)
    bool has_lazy = false;
    bool is_address = false; ///< the function token is `0x...`
    bool retprobe = false;   ///< `%return`

    /// `%[GROUP:]EVENT[@TARGET]`: a reference to an SDT note or a cached event.
    bool is_sdt = false;
    typename Strings::string sdt_target; ///< path or (prefix of a) build-id after `@`
    bool has_sdt_target = false;

    friend bool operator==(basic_probe_point const&, basic_probe_point const&) = default;
};

/// A whole perf-probe command.
template <typename Strings>
struct basic_perf_probe_event {
    // Written out, so a value-initialized event (a parse's result) is built member by member
    // from the initializers above; the implicit constructor would zero the whole object first
    // as one block, which compilers clear with `rep stos`: a tenth of a short command's parse.
    basic_perf_probe_event() noexcept {}

    basic_probe_point<Strings> point;
    typename Strings::template sequence<basic_probe_arg<Strings>> args;

    friend bool operator==(basic_perf_probe_event const& a, basic_perf_probe_event const& b)
    {
        return a.point == b.point && std::ranges::equal(a.args, b.args);
    }
};

using probe_field_view = basic_probe_field<view_strings>;
using probe_arg_view = basic_probe_arg<view_strings>;
using probe_point_view = basic_probe_point<view_strings>;
using perf_probe_view = basic_perf_probe_event<view_strings>;

using probe_field = basic_probe_field<owning_strings>;
using probe_arg = basic_probe_arg<owning_strings>;
using probe_point = basic_probe_point<owning_strings>;
using perf_probe_event = basic_perf_probe_event<owning_strings>;

/// Copies a view into an owning event (the view's text may then go away).
inline perf_probe_event to_owning(perf_probe_view const& view)
{
    auto const str = [](std::string_view s) { return std::string(s); };
    perf_probe_event event;
    auto& p = event.point;
    auto const& v = view.point;
    p.group = str(v.group);
    p.event = str(v.event);
    p.naming = v.naming;
    p.function = str(v.function);
    p.file = str(v.file);
    p.lazy = str(v.lazy);
    p.line = v.line;
    p.offset = v.offset;
    p.address = v.address;
    p.has_function = v.has_function;
    p.has_file = v.has_file;
    p.has_lazy = v.has_lazy;
    p.is_address = v.is_address;
    p.retprobe = v.retprobe;
    p.is_sdt = v.is_sdt;
    p.sdt_target = str(v.sdt_target);
    p.has_sdt_target = v.has_sdt_target;

    event.args.reserve(view.args.size());
    for (auto const& a : view.args) {
        probe_arg arg{str(a.name), str(a.var), {}, str(a.type), a.has_name, a.has_type,
                      a.user_access};
        arg.fields.reserve(a.fields.size());
        for (auto const& f : a.fields)
            arg.fields.push_back({f.access, str(f.name), f.index});
        event.args.push_back(std::move(arg));
    }
    return event;
}

/// The text an escaped string stands for: each `\c` becomes `c`; a final lone `\` goes.
inline std::string unescape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && ++i == text.size())
            break; // a '\' that escapes nothing is dropped, as perf's strdup_esc drops it
        out.push_back(text[i]);
    }
    return out;
}

} // namespace probekit
