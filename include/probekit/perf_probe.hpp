// Reading and writing perf-probe commands.
//
//   probekit::perf_probe_storage storage;                       // caller-owned, reusable
//   auto ev = probekit::parse_perf_probe("compute:6 total", storage);
//   std::string out;
//   probekit::synthesize_perf_probe(*ev, out, "probe_app");
//   // out == "probe_app:compute_L6=compute:6 total"
//
// The view form allocates nothing: strings are views into the text, arguments and fields
// live in `storage`. The owning form copies into a `perf_probe_event`. Synthesis writes
// perf 6.1's canonical form (what perf stores in its probe cache), except that lazy
// patterns, escapes and `@user` are kept where perf loses them (perf-6.1-faults.md F3).
#pragma once

#include <probekit/config.hpp>
#include <probekit/error.hpp>
#include <probekit/event_name.hpp>
#include <probekit/grammar/perf_probe_def.hpp>
#include <probekit/line_range.hpp>
#include <probekit/perf_probe_event.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace probekit {

/// Room for the arguments and field accesses of one view parse. About 30 KiB by default;
/// the sizes come from PROBEKIT_MAX_PROBE_ARGS and PROBEKIT_MAX_PROBE_FIELDS.
struct perf_probe_storage {
    std::array<probe_arg_view, PROBEKIT_MAX_PROBE_ARGS> args;
    std::array<probe_field_view, PROBEKIT_MAX_PROBE_FIELDS> fields;
};

/// Parses one perf-probe command into views of `text` and of the given storage.
/// Errors: `invalid` (syntax, bad names), `conflict` (parts that exclude each other),
/// `unsupported` (`%foo`, more arguments or fields than the storage holds).
/// Complexity: linear in the length of `text`. Allocates nothing.
inline result<perf_probe_view> parse_perf_probe(std::string_view text,
                                                std::span<probe_arg_view> args,
                                                std::span<probe_field_view> fields) noexcept
{
    namespace x3 = grammar::x3;
    grammar::failure_state failures;
    failures.begin = text.data();
    // Every path returns `parsed`, so it is built in the caller's storage (NRVO).
    result<perf_probe_view> parsed(std::in_place);
    grammar::perf_probe_builder builder(failures, *parsed, args, fields);

    char const* first = text.data();
    char const* const last = text.data() + text.size();
    bool const matched = x3::parse(
        first, last,
        x3::with<grammar::failure_tag>(std::ref(failures))[x3::with<grammar::builder_tag>(
            std::ref(builder))[grammar::perf_probe::command]]);
    if (failures.failed)
        parsed = failures.error;
    else if (!matched || first != last)
        parsed = parse_error{error_kind::invalid, static_cast<std::size_t>(first - text.data()),
                             0, "end of the command", "unexpected text", {}};
    else
        builder.finish(*parsed);
    return parsed;
}

inline result<perf_probe_view> parse_perf_probe(std::string_view text,
                                                perf_probe_storage& storage) noexcept
{
    return parse_perf_probe(text, storage.args, storage.fields);
}

/// Parses one perf-probe command into an event that owns its strings.
inline result<perf_probe_event> parse_perf_probe(std::string_view text)
{
    // One scratch storage per thread: the view only lives until it is copied out.
    thread_local perf_probe_storage storage;
    auto const view = parse_perf_probe(text, storage);
    if (!view)
        return view.error();
    return to_owning(*view);
}

/// Parses a `perf probe -L` line range. Allocates nothing.
inline result<line_range_view> parse_line_range(std::string_view text) noexcept
{
    namespace x3 = grammar::x3;
    grammar::failure_state failures;
    failures.begin = text.data();
    grammar::line_range_builder builder(failures);

    char const* first = text.data();
    char const* const last = text.data() + text.size();
    bool const matched = x3::parse(
        first, last,
        x3::with<grammar::failure_tag>(std::ref(failures))[x3::with<grammar::builder_tag>(
            std::ref(builder))[grammar::perf_probe::line_range]]);
    if (failures.failed)
        return failures.error;
    if (!matched || first != last)
        return parse_error{error_kind::invalid, static_cast<std::size_t>(first - text.data()),
                           0, "end of the line range", "unexpected text", {}};
    return builder.result();
}

/// perf's default group for a target: `probe_<basename>` cut at the first character that
/// is not alphanumeric or '_' (`/lib/libc.so.6` gives `probe_libc`); `probe` for the kernel
/// (an empty path). At most 63 characters, the kernel's limit.
inline std::string default_group_for_target(std::string_view path)
{
    if (path.empty())
        return "probe";
    auto const slash = path.find_last_of('/');
    auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto const is_name_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    std::size_t n = 0;
    while (n < base.size() && is_name_char(base[n]))
        ++n;
    std::string group = "probe_";
    group.append(base.substr(0, n));
    if (group.size() > 63)
        group.resize(63);
    return group;
}

namespace detail {

/// Synthesis writes through one of two writers with the same three calls, so the code that
/// decides the text exists once: `size_counter` measures it, `cursor_writer` writes it.
struct size_counter {
    std::size_t size = 0;

    void put(char) noexcept { ++size; }
    void put(std::string_view text) noexcept { size += text.size(); }
    void put_number(std::uint64_t value) noexcept
    {
        do
            ++size;
        while (value /= 10);
    }
};

/// Writes into room already made in a string: each piece is one copy, with none of
/// `std::string::append`'s capacity checks.
class cursor_writer {
public:
    explicit cursor_writer(char* cursor) noexcept : cursor_(cursor) {}

    char* position() const noexcept { return cursor_; }
    void put(char c) noexcept { *cursor_++ = c; }
    [[gnu::always_inline]] void put(std::string_view text) noexcept
    {
        copy_short(text.data(), text.size());
        cursor_ += text.size();
    }
    void put_number(std::uint64_t value) noexcept
    {
        cursor_ = std::to_chars(cursor_, cursor_ + max_digits, value).ptr;
    }

    static constexpr std::size_t max_digits = 20; // of a std::uint64_t

private:
    /// Names are mostly under 32 bytes, where a call to memcpy costs more than the copy: two
    /// overlapping fixed-size copies cover any size from N to 2N without a loop.
    [[gnu::always_inline]] void copy_short(char const* from, std::size_t size) noexcept
    {
        if (size > 16 && size <= 32) {
            std::memcpy(cursor_, from, 16);
            std::memcpy(cursor_ + size - 16, from + size - 16, 16);
        } else if (size >= 8 && size <= 16) {
            std::memcpy(cursor_, from, 8);
            std::memcpy(cursor_ + size - 8, from + size - 8, 8);
        } else if (size >= 4 && size < 8) {
            std::memcpy(cursor_, from, 4);
            std::memcpy(cursor_ + size - 4, from + size - 4, 4);
        } else if (size > 32) {
            std::memcpy(cursor_, from, size);
        } else {
            for (std::size_t i = 0; i < size; ++i) // an empty view may have no data at all
                cursor_[i] = from[i];
        }
    }

    char* cursor_;
};

} // namespace detail

/// Fills in what perf's conversion fills in before it writes the cache: the target's
/// default group, and the name `FUNC_L<line>` made at parse time. SDT references and
/// unnamed events are left alone.
inline void apply_default_names(perf_probe_event& event, std::string_view default_group)
{
    auto& p = event.point;
    if (p.is_sdt || p.naming == event_naming::none)
        return;
    if (p.group.empty())
        p.group = default_group;
    if (p.naming == event_naming::from_line) {
        p.event.clear();
        append_event_name(p.event, p.function);
        p.event += "_L" + std::to_string(p.line);
        p.naming = event_naming::given;
    }
}

namespace detail {

inline void append_number(std::string& out, std::uint64_t value)
{
    char buffer[24];
    auto const [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

/// perf prints at most the last 30 characters of a source path, from a '/' on. The cut
/// never splits an escape: a tail starting at the ':' of `\\:` would read back as a line.
inline std::string_view shortened_file(std::string_view file)
{
    if (file.size() <= 30)
        return file;
    std::size_t start = 0;
    while (start < file.size() - 30)
        start += file[start] == '\\' ? 2 : 1;
    auto const tail = file.substr(std::min(start, file.size()));
    auto const slash = tail.find('/');
    return slash == std::string_view::npos ? tail : tail.substr(slash + 1);
}

/// True if the function form would read back as a file spec: perf takes a point without
/// `+@%` and with a '.' before its first ';' or ':' for a file (`pp.c;x`, or `a.b::c`). A
/// `+0` then keeps it a function.
template <typename Strings>
bool reads_as_file(basic_probe_point<Strings> const& p)
{
    if (p.offset || p.retprobe || p.has_file || p.is_address)
        return false;
    std::string_view const function = p.function;
    // Most functions have no '.' at all, which one memchr finds out (a byte loop costs
    // more: its exit, at a different length each time, is mispredicted).
    if (function.find('.') == std::string_view::npos)
        return false;
    bool dot = false;
    for (std::size_t i = 0; i < function.size(); ++i) {
        char const c = function[i];
        if (c == '\\')
            ++i;
        else if (c == ':' || c == ';')
            return dot;
        else
            dot = dot || c == '.';
    }
    return dot && (p.line || p.has_lazy);
}

template <typename Writer, typename Strings>
void put_point(Writer& out, basic_probe_point<Strings> const& p)
{
    if (p.has_function) {
        out.put(p.function);
        if (p.offset) {
            out.put('+');
            out.put_number(p.offset);
        } else if (reads_as_file(p)) {
            out.put("+0");
        }
        if (p.retprobe)
            out.put("%return");
        if (p.line) {
            out.put(':');
            out.put_number(p.line);
        }
        if (p.has_file) {
            out.put('@');
            out.put(shortened_file(p.file));
        }
    } else if (p.has_file) {
        out.put('@');
        out.put(shortened_file(p.file));
        if (p.line) {
            out.put(':');
            out.put_number(p.line);
        }
    }
    if (p.has_lazy) {
        out.put(';');
        out.put(p.lazy);
    }
}

template <typename Writer, typename Strings>
void put_sdt_point(Writer& out, basic_probe_point<Strings> const& p)
{
    out.put('%');
    if (!std::string_view(p.group).empty()) {
        out.put(p.group);
        out.put(':');
    }
    out.put(p.event);
    if (p.has_sdt_target) {
        out.put('@');
        out.put(p.sdt_target);
    }
}

template <typename Writer, typename Strings>
void put_arg(Writer& out, basic_probe_arg<Strings> const& a)
{
    if (a.has_name) {
        out.put(a.name);
        out.put('=');
    }
    out.put(a.var);
    for (auto const& f : a.fields) {
        switch (f.access) {
        case field_access::arrow: out.put("->"); out.put(f.name); break;
        case field_access::dot: out.put('.'); out.put(f.name); break;
        case field_access::index: out.put('['); out.put(f.name); out.put(']'); break;
        }
    }
    if (a.has_type) {
        out.put(':');
        out.put(a.type);
    }
    if (a.user_access)
        out.put("@user");
}

template <typename Writer, typename Strings>
void put_event(Writer& out, basic_perf_probe_event<Strings> const& event,
               std::string_view default_group)
{
    auto const& p = event.point;
    if (p.is_sdt) {
        put_sdt_point(out, p);
    } else {
        if (p.naming != event_naming::none) {
            std::string_view const group = p.group;
            out.put(group.empty() ? default_group : group);
            out.put(':');
            if (p.naming == event_naming::given) {
                out.put(p.event);
            } else {
                put_event_name(p.function, [&](char c) { out.put(c); });
                out.put("_L");
                out.put_number(p.line);
            }
            out.put('=');
        }
        put_point(out, p);
    }
    for (auto const& arg : event.args) {
        out.put(' ');
        put_arg(out, arg);
    }
}

/// At least the length of `put_event`'s output, from string sizes alone: every string it
/// may write (the function twice: once in a `FUNC_L<line>` name, where a '_' may lead),
/// every number at its widest, every separator.
template <typename Strings>
std::size_t size_bound(basic_perf_probe_event<Strings> const& event,
                       std::string_view default_group) noexcept
{
    constexpr std::size_t digits = cursor_writer::max_digits;
    constexpr std::size_t point_extra = 32 + 3 * digits; // names, suffixes, separators
    constexpr std::size_t arg_extra = 16;                // ' ', '=', ':', "@user"
    constexpr std::size_t field_extra = 2;               // "->", or "[" and "]"
    auto const& p = event.point;
    auto const size = [](std::string_view text) { return text.size(); };
    std::size_t bound = size(p.group) + default_group.size() + size(p.event) +
                        2 * size(p.function) + size(p.file) + size(p.lazy) +
                        size(p.sdt_target) + point_extra;
    for (auto const& a : event.args) {
        bound += size(a.name) + size(a.var) + size(a.type) + arg_extra;
        for (auto const& f : a.fields)
            bound += size(f.name) + field_extra;
    }
    return bound;
}

} // namespace detail

/// Appends the canonical form of `event` to `out`. `default_group` names the group of an
/// event whose name was given without one (`default_group_for_target()`).
/// Complexity: linear in the output. Allocates only when `out` must grow.
template <typename Strings>
void synthesize_perf_probe(basic_perf_probe_event<Strings> const& event, std::string& out,
                           std::string_view default_group = "probe")
{
    std::size_t room = detail::size_bound(event, default_group);
    // Most commands are short: written on the stack, they reach `out` in one append, where
    // making room in `out` first would fill that room with zeros only to overwrite it.
    if (constexpr std::size_t stack_room = 512; room <= stack_room) {
        char buffer[stack_room];
        detail::cursor_writer writer(buffer);
        detail::put_event(writer, event, default_group);
        out.append(buffer, static_cast<std::size_t>(writer.position() - buffer));
        return;
    }
    // A long one is written in place. Room for the bound is taken only if it is there
    // already; else the exact size is measured first, so `out` grows exactly when the text
    // does not fit.
    std::size_t const start = out.size();
    if (out.capacity() - start < room) {
        detail::size_counter counter;
        detail::put_event(counter, event, default_group);
        room = counter.size;
    }
    out.resize(start + room);
    detail::cursor_writer writer(out.data() + start);
    detail::put_event(writer, event, default_group);
    out.resize(static_cast<std::size_t>(writer.position() - out.data()));
}

template <typename Strings>
std::string synthesize_perf_probe(basic_perf_probe_event<Strings> const& event,
                                  std::string_view default_group = "probe")
{
    std::string out;
    synthesize_perf_probe(event, out, default_group);
    return out;
}

/// Appends the canonical form of a line range: `FUNC[@SRC][:START[-END]]` or
/// `SRC[:START[-END]]` (`+COUNT` comes back as its END).
template <typename Strings>
void synthesize_line_range(basic_line_range<Strings> const& range, std::string& out)
{
    out.append(range.has_function ? range.function : range.file);
    if (range.has_function && range.has_file)
        out.append("@").append(range.file);
    if (range.has_start) {
        out.push_back(':');
        detail::append_number(out, range.start);
        if (range.has_end) {
            out.push_back('-');
            detail::append_number(out, range.end);
        }
    }
}

} // namespace probekit
