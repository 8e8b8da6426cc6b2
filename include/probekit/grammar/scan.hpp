// A fast X3 primitive for the commonest thing the probe grammars do: skip characters up to
// the first one of a set. `*(x3::char_ - x3::char_(";:"))` tests each byte through a chain
// of parsers; `scan<";:">` tests it against one compile-time 256-entry table in a tight
// loop, which is what lets a parse keep pace with a plain byte loop. Blanks always stop a
// scan: probe syntax splits on them.
//
//   scan<";=@+%", escapes>   e.g. "a\:b;x" stops at ';' (the escaped ':' does not count)
//   scan<":", user_suffix>   e.g. "r->label@user" stops at "@user" (perf's user access)
#pragma once

#include <probekit/grammar/failure.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace probekit::grammar {

enum scan_option : std::uint8_t {
    scan_plain = 0,
    escapes = 1,     ///< `\c` is consumed whole; `c` does not stop the scan
    cxx_scope = 2,   ///< `::` is consumed whole, even where ':' stops the scan
    user_suffix = 4, ///< stop before an `@user` that ends the token
    at_least_one = 8 ///< fail unless one character was consumed
};

/// A string literal usable as a template argument: `scan<";:">`.
template <std::size_t N>
struct fixed_string {
    char chars[N]{};
    constexpr fixed_string(char const (&text)[N]) noexcept
    {
        for (std::size_t i = 0; i < N; ++i)
            chars[i] = text[i];
    }
    constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

constexpr bool is_blank(unsigned char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// true for the bytes where a scan stops, or must look closer (escapes, '@', "::").
using stop_table = std::array<bool, 256>;

constexpr stop_table make_stop_table(std::string_view stops, std::uint8_t options) noexcept
{
    stop_table table{};
    for (int c = 0; c < 256; ++c)
        table[static_cast<std::size_t>(c)] = is_blank(static_cast<unsigned char>(c));
    for (char const c : stops)
        table[static_cast<unsigned char>(c)] = true;
    if (options & user_suffix)
        table['@'] = true;
    if (options & escapes)
        table['\\'] = true;
    return table;
}

template <fixed_string Stops, std::uint8_t Options>
struct scan_parser : x3::parser<scan_parser<Stops, Options>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    static constexpr stop_table table = make_stop_table(Stops.view(), Options);
    static constexpr bool at_is_stop = Stops.view().find('@') != std::string_view::npos;

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        char const* it = first;
        for (;;) {
            while (it != last && !table[static_cast<unsigned char>(*it)])
                ++it;
            if (it == last || !consume_special(it, last))
                break;
        }
        if ((Options & at_least_one) && it == first)
            return false;
        first = it;
        return true;
    }

private:
    /// Consumes an escape, a `::` or a plain '@' at `it` if the options allow; false if the
    /// scan stops here.
    static bool consume_special(char const*& it, char const* last) noexcept
    {
        char const c = *it;
        bool const has_next = last - it > 1;
        if ((Options & escapes) && c == '\\') {
            bool const escapes_next = has_next && !is_blank(static_cast<unsigned char>(it[1]));
            it += escapes_next ? 2 : 1;
            return true;
        }
        if ((Options & cxx_scope) && c == ':' && has_next && it[1] == ':') {
            it += 2;
            return true;
        }
        if ((Options & user_suffix) && !at_is_stop && c == '@') {
            if (is_user_suffix(it, last))
                return false;
            ++it; // an '@' of the value itself, as in "@global_counter"
            return true;
        }
        return false;
    }

    static bool is_user_suffix(char const* it, char const* last) noexcept
    {
        constexpr std::string_view suffix = "@user";
        if (static_cast<std::size_t>(last - it) < suffix.size() ||
            std::string_view(it, suffix.size()) != suffix)
            return false;
        return it + suffix.size() == last || is_blank(static_cast<unsigned char>(it[5]));
    }
};

/// Skips to the first blank or character of `Stops`; see `scan_option`.
template <fixed_string Stops, std::uint8_t Options = scan_plain>
inline constexpr scan_parser<Stops, Options> scan{};

constexpr stop_table make_char_table(std::string_view chars) noexcept
{
    stop_table table{};
    for (char const c : chars)
        table[static_cast<unsigned char>(c)] = true;
    return table;
}

/// Matches one character of `Chars` (one table lookup, where `x3::char_("...")` tests a
/// bitset through several calls).
template <fixed_string Chars>
struct char_in_parser : x3::parser<char_in_parser<Chars>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    static constexpr stop_table table = make_char_table(Chars.view());

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        if (first == last || !table[static_cast<unsigned char>(*first)])
            return false;
        ++first;
        return true;
    }
};

template <fixed_string Chars>
inline constexpr char_in_parser<Chars> char_in{};

/// Succeeds, consuming nothing, at the end of the input, a blank or a character of `Chars`.
template <fixed_string Chars>
struct end_of_token_parser : x3::parser<end_of_token_parser<Chars>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    static constexpr stop_table table = make_stop_table(Chars.view(), scan_plain);

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        return first == last || table[static_cast<unsigned char>(*first)];
    }
};

/// `token_end<>`: at the end or a blank; `token_end<";:">`: also before ';' or ':'.
template <fixed_string Chars = "">
inline constexpr end_of_token_parser<Chars> token_end{};

inline constexpr char_in_parser<" \t\n\r\v\f"> blank{};
inline constexpr char_in_parser<"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_">
    ident_start{};
inline constexpr char_in_parser<
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789">
    ident_char{};

} // namespace probekit::grammar
