// Event names made from function names, as the kernel accepts them (C identifiers).
//
//   Counter::bump   -> Counter_bump         maxof<int>  -> maxof_int
//   operator()      -> operator_call        ~Shape      -> Shape_dtor
//   ns::S::operator() -> ns_S_operator_call   __libc_malloc -> __libc_malloc (as written)
//
// perf 6.1 uses the function as written and so makes names the kernel refuses for C++
// (fault F14). The parser (`FUNC_L<line>`, made at parse time) and the namer (the event of
// a resolved probe) both spell names through here, so a cached command and the events it
// defines always agree. Nothing here allocates except `identifier_from_cxx`.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace probekit {

namespace detail::naming {

inline constexpr bool is_identifier_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

inline constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A set of bytes as a table, tested with one load per byte: names are short, and
/// `find_first_of` calls memchr over the set once for every byte of the name.
class byte_set {
public:
    constexpr explicit byte_set(std::string_view members) noexcept
    {
        for (char const c : members)
            in_[static_cast<unsigned char>(c)] = true;
    }
    constexpr bool any_in(std::string_view text) const noexcept
    {
        for (char const c : text)
            if (in_[static_cast<unsigned char>(c)])
                return true;
        return false;
    }

private:
    std::array<bool, 256> in_{};
};

inline constexpr byte_set cxx_punctuation(":<>()~ ,&");
inline constexpr byte_set cxx_punctuation_or_escape("\\:<>()~ ,&");

/// Feeds characters to `put`, keeping the rules that span characters: a run of other
/// characters becomes one '_' between identifier characters (none at either end), and a
/// leading digit gets a '_' in front.
template <typename Put>
class identifier_writer {
public:
    explicit identifier_writer(Put& put) : put_(put) {}

    void word_char(char c)
    {
        if (empty_ && is_digit(c))
            put_('_');
        if (pending_separator_)
            put_('_');
        put_(c);
        empty_ = false;
        pending_separator_ = false;
    }

    void separator() noexcept { pending_separator_ = !empty_; }

    void word(std::string_view w)
    {
        for (char c : w)
            word_char(c);
    }

private:
    Put& put_;
    bool empty_ = true;
    bool pending_separator_ = false;
};

} // namespace detail::naming

/// Does `name` hold C++ punctuation (scopes, templates, operators, destructors)?
inline constexpr bool has_cxx_punctuation(std::string_view name) noexcept
{
    return detail::naming::cxx_punctuation.any_in(name);
}

/// Calls `put(char)` for each character of the identifier made from the C++ name `name`
/// (escapes already resolved): scopes and template brackets become '_', `operator()`
/// becomes `operator_call`, a destructor `~X` becomes `X_dtor`.
template <typename Put>
void put_cxx_identifier(std::string_view name, Put&& put)
{
    detail::naming::identifier_writer<Put> out(put);
    bool dtor = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name.substr(i).starts_with("operator()")) {
            out.separator();
            out.word("operator_call");
            i += std::string_view("operator()").size() - 1;
            continue;
        }
        char const c = name[i];
        if (c == '~')
            dtor = true;
        if (detail::naming::is_identifier_char(c))
            out.word_char(c);
        else
            out.separator();
    }
    if (dtor) {
        out.separator();
        out.word("dtor");
    }
}

/// The identifier `put_cxx_identifier` spells, as a string.
inline std::string identifier_from_cxx(std::string_view name)
{
    std::string out;
    put_cxx_identifier(name, [&](char c) { out.push_back(c); });
    return out;
}

/// Calls `put(char)` for each character of the event name made from `function` as a
/// perf-probe command writes it (escapes kept, `\@` stands for `@`): C++ names through
/// `put_cxx_identifier`; other names as written, with any character outside
/// `[A-Za-z0-9_]` as '_' and a leading digit after a '_'.
template <typename Put>
void put_event_name(std::string_view function, Put&& put)
{
    // The common case, a plain C name (`area`, `__libc_malloc`): no copy, no second look.
    if (!detail::naming::cxx_punctuation_or_escape.any_in(function)) {
        if (!function.empty() && detail::naming::is_digit(function.front()))
            put('_');
        for (char c : function)
            put(detail::naming::is_identifier_char(c) ? c : '_');
        return;
    }

    // Resolve the escapes first, in a bounded buffer: names are at most a few hundred
    // bytes, and a longer one only needs its length to be refused.
    char buffer[512];
    std::size_t n = 0;
    bool truncated = false;
    for (std::size_t i = 0; i < function.size(); ++i) {
        char c = function[i];
        if (c == '\\' && i + 1 < function.size())
            c = function[++i];
        if (n == sizeof buffer) {
            truncated = true;
            break;
        }
        buffer[n++] = c;
    }
    std::string_view const name(buffer, n);
    if (has_cxx_punctuation(name) && !truncated) {
        put_cxx_identifier(name, put);
        return;
    }
    for (std::size_t i = 0; i < function.size(); ++i) {
        bool const first = i == 0; // an escaped first character is first too (`\0ab`)
        char c = function[i];
        if (c == '\\' && i + 1 < function.size())
            c = function[++i];
        if (first && detail::naming::is_digit(c))
            put('_');
        put(detail::naming::is_identifier_char(c) ? c : '_');
    }
}

/// Appends `put_event_name(function)` to `out`.
inline void append_event_name(std::string& out, std::string_view function)
{
    put_event_name(function, [&](char c) { out.push_back(c); });
}

/// The length of `put_event_name(function)`, without building it.
inline std::size_t event_name_length(std::string_view function)
{
    std::size_t length = 0;
    put_event_name(function, [&](char) { ++length; });
    return length;
}

} // namespace probekit
