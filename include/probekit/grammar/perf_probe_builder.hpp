// What the perf-probe grammar's semantic actions write into: the view form of an event,
// with its arguments and fields placed in caller-supplied storage. The checks that span
// several parts of a point (an offset with a line, a lazy pattern with %return, ...) run
// here, in the order perf runs them, each with its own message and position.
#pragma once

#include <probekit/config.hpp>
#include <probekit/event_name.hpp>
#include <probekit/grammar/failure.hpp>
#include <probekit/grammar/scan.hpp>
#include <probekit/line_range.hpp>
#include <probekit/perf_probe_event.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace probekit::grammar {

struct builder_tag;

/// What perf decides about a point from its separators before parsing it.
struct point_shape {
    bool event_prefix = false; ///< the first unescaped of `;=@+%` is '=': `[GROUP:]EVENT=`
    bool file_spec = false;    ///< after any prefix: no unescaped `+@%` before any `;`, and a
                               ///< '.' before the first `;`/`:`
    /// Where a function head starts (the point, or just past `EVENT=`) and where it ends:
    /// at the first unescaped blank or `;:+@%`, `::` not counting, as the head scan would.
    char const* head_begin = nullptr;
    char const* head_end = nullptr;
};

namespace detail {

/// Byte classes for `read_point_shape`; 0 is a byte that decides nothing.
enum point_byte : std::uint8_t { ordinary, blank, backslash, separator, equals, colon, dot };

constexpr std::array<std::uint8_t, 256> point_byte_classes = [] {
    std::array<std::uint8_t, 256> table{};
    for (unsigned char c : std::string_view(" \t\n\r\v\f"))
        table[c] = blank;
    for (unsigned char c : std::string_view(";@+%"))
        table[c] = separator;
    table['\\'] = backslash;
    table['='] = equals;
    table[':'] = colon;
    table['.'] = dot;
    return table;
}();

} // namespace detail

/// One pass over the point token (up to the first blank), e.g. "grp:ev=app.c:19".
/// `floor` is the start of the text, for `find_stop`. Inline, so the shape stays in
/// registers: returned through memory it stalled the parse on store forwarding.
[[gnu::always_inline]] inline point_shape read_point_shape(char const* it, char const* last,
                                                        char const* floor) noexcept
{
    using namespace detail;
    point_shape shape;
    bool name_separator_seen = false;
    bool function_separator = false;
    bool file_separator_seen = false;
    bool dot_seen = false;
    bool dot_before_file_separator = false;
    bool in_pattern = false; // after ';': the lazy pattern, which may hold any of `+@%`
    shape.head_begin = it;
    for (;; ++it) {
        it = find_stop<";@+%\\=:.">(it, last, floor); // the bytes that are not `ordinary`
        if (it == last)
            break;
        char const c = *it;
        auto const kind = point_byte_classes[static_cast<unsigned char>(c)];
        if (kind == detail::blank)
            break;
        bool const cxx_scope = kind == colon && last - it > 1 && it[1] == ':';
        if (kind == backslash) { // escapes the next character, unless that is a blank
            bool const escapes_next = last - it > 1 && !is_blank(static_cast<unsigned char>(it[1]));
            it += escapes_next ? 1 : 0;
            continue;
        }
        if (!name_separator_seen && (kind == separator || kind == equals)) {
            name_separator_seen = true;
            if (kind == equals) { // what follows the prefix is judged on its own
                shape.event_prefix = true;
                function_separator = file_separator_seen = dot_seen = false;
                shape.head_begin = it + 1;
                shape.head_end = nullptr;
                continue;
            }
        }
        if (!shape.head_end && (kind == separator || (kind == colon && !cxx_scope)))
            shape.head_end = it;
        // perf 6.1 also looks for `+@%` inside the pattern, so `app.cpp;x+=*` reads as a
        // function named "app.cpp" and is never found (fault F14); the pattern is not part of
        // the point's shape.
        function_separator =
            function_separator || (!in_pattern && (c == '+' || c == '@' || c == '%'));
        in_pattern = in_pattern || c == ';';
        if (!file_separator_seen) {
            dot_seen = dot_seen || kind == dot;
            if (c == ';' || kind == colon) {
                file_separator_seen = true;
                dot_before_file_separator = dot_seen;
            }
        }
        it += cxx_scope ? 1 : 0; // the second ':' decides nothing more
    }
    if (!shape.head_end)
        shape.head_end = it;
    shape.file_spec = !function_separator && file_separator_seen && dot_before_file_separator;
    return shape;
}

/// Fills a `perf_probe_view` in place: the entry point hands over the view inside the
/// result it returns, so a parse neither builds a point twice nor copies it out. `out` must
/// be default-constructed. Every member returns false to fail the parse, after recording
/// why in `failures`.
class perf_probe_builder {
public:
    perf_probe_builder(failure_state& failures, perf_probe_view& out,
                       std::span<probe_arg_view> args, std::span<probe_field_view> fields) noexcept
        : failures_(failures), point_(out.point), args_(args), fields_(fields)
    {
    }

    /// Points `out` (the view given to the constructor) at the arguments parsed so far.
    void finish(perf_probe_view& out) const noexcept
    {
        out.args = std::span<probe_arg_view const>(args_.data(), arg_count_);
    }

    // --- the point ----------------------------------------------------------------------
    void set_shape(point_shape shape) noexcept { shape_ = shape; }
    bool has_event_prefix() const noexcept { return shape_.event_prefix; }
    /// Where the function head starting at `first` ends, if the shape's pass found out.
    char const* known_head_end(char const* first) const noexcept
    {
        return first == shape_.head_begin ? shape_.head_end : nullptr;
    }
    bool is_file_spec() const noexcept { return shape_.file_spec; }

    bool start_sdt(char const*) noexcept
    {
        point_.is_sdt = true;
        return true;
    }
    bool set_group(std::string_view text, char const* where) noexcept
    {
        if (text.size() > max_name_length)
            return fail(where, "at most 63 characters", "the group name is too long");
        point_.group = text;
        return true;
    }
    bool set_event(std::string_view text, char const* where) noexcept
    {
        if (text.size() > max_name_length)
            return fail(where, "at most 63 characters", "the event name is too long");
        point_.event = text;
        point_.naming = event_naming::given;
        return true;
    }
    bool set_sdt_target(std::string_view text, char const*) noexcept
    {
        point_.sdt_target = text;
        point_.has_sdt_target = true;
        return true;
    }
    bool set_file_head(std::string_view text, char const*) noexcept
    {
        point_.file = text;
        point_.has_file = true;
        return true;
    }
    bool set_function(std::string_view text, char const*) noexcept
    {
        point_.function = text;
        point_.has_function = !text.empty();
        return true;
    }
    bool set_address(std::string_view text, char const* where) noexcept
    {
        point_.function = text;
        point_.has_function = true;
        point_.is_address = true;
        auto const digits = text.substr(2);
        auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                               point_.address, 16);
        if (ec != std::errc{} || end != digits.data() + digits.size())
            return fail(where, "hexadecimal address", "invalid absolute address");
        return true;
    }
    /// `where` is just after the ':' of a `:LINE`.
    bool mark_line(char const* where) noexcept
    {
        // perf lets a second `:LINE` silently replace the first (F8); that hides typos.
        if (line_at_)
            return fail(where - 1, "one line number", "a probe point takes one line number",
                        error_kind::conflict);
        line_at_ = where - 1;
        return true;
    }
    bool set_line(std::uint64_t line, char const*) noexcept
    {
        point_.line = line;
        return true;
    }
    /// `where` is just after the '+' of a `+OFFS`.
    bool mark_offset(char const* where) noexcept
    {
        if (offset_at_)
            return fail(where - 1, "one offset", "a probe point takes one offset",
                        error_kind::conflict);
        offset_at_ = where - 1;
        return true;
    }
    bool set_offset(std::uint64_t offset, char const*) noexcept
    {
        point_.offset = offset;
        return true;
    }
    bool set_file_suffix(std::string_view text, char const* where) noexcept
    {
        if (point_.has_file)
            return fail(where - 1, "one source file",
                        "a probe point takes one source file (SRC@SRC is not allowed)",
                        error_kind::conflict);
        point_.file = text;
        point_.has_file = true;
        return true;
    }
    bool set_return(char const* where) noexcept
    {
        if (return_at_)
            return fail(where - 7, "one %return", "%return is given twice", error_kind::conflict);
        return_at_ = where - 7; // at the '%' of "%return"
        point_.retprobe = true;
        return true;
    }
    bool set_lazy(std::string_view text, char const* where) noexcept
    {
        point_.lazy = text;
        point_.has_lazy = true;
        lazy_at_ = where - 1;
        return true;
    }
    bool finish_point(char const* where) noexcept;

    // --- arguments ----------------------------------------------------------------------
    bool start_arg(char const* where) noexcept
    {
        if (arg_count_ == args_.size())
            return fail(where, "at most " PROBEKIT_STRINGIFY(PROBEKIT_MAX_PROBE_ARGS) " arguments",
                        "too many probe arguments", error_kind::unsupported);
        arg_ = &args_[arg_count_];
        *arg_ = probe_arg_view{};
        arg_at_ = where;
        first_field_ = field_count_;
        default_name_ = {};
        return true;
    }
    bool set_arg_name(std::string_view text, char const*) noexcept
    {
        arg_->name = text;
        arg_->has_name = true;
        return true;
    }
    bool set_arg_var(std::string_view text, char const*) noexcept
    {
        arg_->var = text;
        default_name_ = text;
        return true;
    }
    bool add_arrow_field(std::string_view text, char const* where) noexcept
    {
        default_name_ = text;
        return add_field(field_access::arrow, text, 0, where);
    }
    bool add_dot_field(std::string_view text, char const* where) noexcept
    {
        default_name_ = text;
        return add_field(field_access::dot, text, 0, where);
    }
    bool add_index_field(std::string_view text, char const* where) noexcept
    {
        std::int64_t index = 0;
        if (!parse_index(text, index))
            return fail(where, "array index", "an array index must be a number");
        return add_field(field_access::index, text, index, where);
    }
    bool set_arg_type(std::string_view text, char const*) noexcept
    {
        arg_->type = text;
        arg_->has_type = true;
        return true;
    }
    bool set_user_access(char const*) noexcept
    {
        arg_->user_access = true;
        return true;
    }
    bool finish_arg(char const*) noexcept
    {
        bool const has_fields = field_count_ != first_field_;
        arg_->fields = std::span<probe_field_view const>(fields_.data() + first_field_,
                                                         field_count_ - first_field_);
        // perf names a field access after its last member (`p->x` is `x=p->x`). The tests
        // here and below use `&`: each part varies from argument to argument, the whole
        // rarely does, and one predictable branch is cheaper than two that are not.
        if (!arg_->has_name & has_fields) {
            arg_->name = default_name_;
            arg_->has_name = true;
        }
        if (point_.retprobe & is_c_varname(arg_->var))
            return fail(arg_at_, "$retval, a register or a fetch",
                        "a return probe cannot read local variables", error_kind::conflict);
        ++arg_count_;
        return true;
    }

private:
    bool fail(char const* where, std::string_view expected, std::string_view message,
              error_kind kind = error_kind::invalid) noexcept
    {
        failures_.record(where, expected, message, kind);
        return false;
    }

    bool add_field(field_access access, std::string_view text, std::int64_t index,
                   char const* where) noexcept
    {
        if (field_count_ == fields_.size())
            return fail(where, "fewer field accesses", "too many field accesses in one command",
                        error_kind::unsupported);
        fields_[field_count_++] = probe_field_view{access, text, index};
        return true;
    }

    static bool parse_index(std::string_view text, std::int64_t& index) noexcept
    {
        bool const negative = text.starts_with('-');
        if (negative)
            text.remove_prefix(1);
        int base = 10;
        if (text.starts_with("0x") || text.starts_with("0X")) {
            base = 16;
            text.remove_prefix(2);
        } else if (text.size() > 1 && text.front() == '0') {
            base = 8;
        }
        std::uint64_t magnitude = 0;
        auto const [end, ec] =
            std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
        if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
            return false;
        index = negative ? -static_cast<std::int64_t>(magnitude)
                         : static_cast<std::int64_t>(magnitude);
        return true;
    }

    /// Length of the name `append_event_name(function) + "_L" + line` will make.
    static std::size_t line_name_length(std::string_view function, std::uint64_t line) noexcept
    {
        std::size_t length = 2; // "_L"
        for (; line; line /= 10)
            ++length;
        return length + event_name_length(function);
    }

    static bool is_c_varname(std::string_view var) noexcept
    {
        return !var.empty() && ident_start.table[static_cast<unsigned char>(var.front())];
    }

    /// The kernel's MAX_EVENT_NAME_LEN less its terminating NUL.
    static constexpr std::size_t max_name_length = 63;

    failure_state& failures_;
    probe_point_view& point_;
    std::span<probe_arg_view> args_;
    std::span<probe_field_view> fields_;
    point_shape shape_;
    std::size_t arg_count_ = 0;
    std::size_t field_count_ = 0;

    char const* line_at_ = nullptr;
    char const* offset_at_ = nullptr;
    char const* return_at_ = nullptr;
    char const* lazy_at_ = nullptr;

    // The argument being parsed: set by start_arg() before any use, so left without
    // initializers; that keeps the state a parse zeroes small enough for a few stores.
    probe_arg_view* arg_;
    char const* arg_at_;
    std::size_t first_field_;
    std::string_view default_name_;
};

inline bool perf_probe_builder::finish_point(char const* where) noexcept
{
    auto const& p = point_;
    auto const later = [](char const* a, char const* b) { return a > b ? a : b; };

    // The exclusions, in perf's order; the position is that of the later of the two parts.
    if (p.has_lazy && p.line)
        return fail(later(lazy_at_, line_at_), "no line number with a lazy pattern",
                    "a lazy pattern cannot be used with a line number", error_kind::conflict);
    if (p.has_lazy && p.offset)
        return fail(later(lazy_at_, offset_at_), "no offset with a lazy pattern",
                    "a lazy pattern cannot be used with an offset", error_kind::conflict);
    if (p.line && p.offset)
        return fail(later(line_at_, offset_at_), "no offset with a line number",
                    "an offset cannot be used with a line number", error_kind::conflict);
    if (!p.line && !p.has_lazy && p.has_file && !p.has_function)
        return fail(where, "':LINE' or ';PATTERN' after the file",
                    "a source file needs a line number or a lazy pattern");
    if (p.offset && !p.has_function)
        return fail(offset_at_, "a function before the offset",
                    "an offset needs a function");
    if (p.retprobe && (p.offset || p.line || p.has_lazy)) {
        char const* other = p.offset ? offset_at_ : p.line ? line_at_ : lazy_at_;
        return fail(later(return_at_, other), "no offset, line or lazy pattern with %return",
                    "an offset, a line or a lazy pattern cannot be used with %return",
                    error_kind::conflict);
    }
    if (!p.has_function && !p.has_file)
        return fail(failures_.begin, "function, source file or address",
                    "a probe point needs a function, a file or an address");

    // perf names `FUNC:LINE` at parse time, which the cache relies on. A name the kernel
    // would refuse as too long is refused here, where the user can still give one.
    if (p.naming == event_naming::none && p.has_function && p.line && !p.has_lazy &&
        !p.offset) {
        if (line_name_length(p.function, p.line) > max_name_length)
            return fail(failures_.begin, "a shorter function name, or EVENT= before it",
                        "the event name FUNC_L<line> would be longer than 63 characters");
        point_.naming = event_naming::from_line;
    }
    return true;
}

/// Fills a `line_range_view`, with perf's rules for what the name is.
class line_range_builder {
public:
    explicit line_range_builder(failure_state& failures) noexcept : failures_(failures) {}

    line_range_view result() const noexcept { return range_; }

    bool set_name(std::string_view text, char const* where) noexcept
    {
        name_ = text;
        name_at_ = where;
        return true;
    }
    bool set_file(std::string_view text, char const*) noexcept
    {
        range_.file = text;
        range_.has_file = true;
        return true;
    }
    bool set_start(std::uint64_t start, char const*) noexcept
    {
        range_.start = start;
        range_.has_start = true;
        return true;
    }
    bool set_end(std::uint64_t end, char const* where) noexcept
    {
        range_.end = end;
        range_.has_end = true;
        end_at_ = where;
        return true;
    }
    bool set_count(std::uint64_t count, char const* where) noexcept
    {
        range_.has_end = true;
        end_at_ = where;
        if (count == 0) // perf's end would fall before the start
            return fail(where, "a count of at least 1",
                        "the start line must not be after the end line");
        range_.end = range_.start + count - 1;
        return true;
    }
    bool finish(char const*) noexcept;

private:
    bool fail(char const* where, std::string_view expected, std::string_view message) noexcept
    {
        failures_.record(where, expected, message);
        return false;
    }

    failure_state& failures_;
    line_range_view range_;
    std::string_view name_;
    char const* name_at_ = nullptr;
    char const* end_at_ = nullptr;
};

inline bool line_range_builder::finish(char const*) noexcept
{
    if (range_.has_end && range_.start > range_.end)
        return fail(end_at_, "an end line not before the start line",
                    "the start line must not be after the end line");

    // `FUNC@SRC`; else a name with '/' or '.' is a file; else it must be a function name.
    if (range_.has_file) {
        range_.function = name_;
        range_.has_function = true;
        return true;
    }
    if (name_.find_first_of("/.") != std::string_view::npos) {
        range_.file = name_;
        range_.has_file = true;
        return true;
    }
    for (std::size_t i = 0; i < name_.size(); ++i) {
        char const c = name_[i];
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return fail(name_at_ + i, "function name (a C identifier) or source file",
                        "not a valid function name");
    }
    range_.function = name_;
    range_.has_function = true;
    return true;
}

} // namespace probekit::grammar
