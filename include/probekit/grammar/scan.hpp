// A fast X3 primitive for the commonest thing the probe grammars do: skip characters up to
// the first one of a set. `*(x3::char_ - x3::char_(";:"))` tests each byte through a chain
// of parsers; `scan<";:">` tests 16 bytes at a time against its stop set (SSE2, or one
// compile-time 256-entry table per byte elsewhere), which is what lets a parse keep pace
// with a plain byte loop. Blanks always stop a scan: probe syntax splits on them.
//
//   scan<";=@+%", escapes>   e.g. "a\:b;x" stops at ';' (the escaped ':' does not count)
//   scan<":", user_suffix>   e.g. "r->label@user" stops at "@user" (perf's user access)
#pragma once

#include <probekit/grammar/failure.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// `text` with `Extra` appended, or `text` itself if `Extra` is NUL.
template <char Extra, std::size_t N>
constexpr auto with_char(fixed_string<N> const& text) noexcept
{
    if constexpr (Extra == '\0') {
        return text;
    } else {
        char chars[N + 1]{};
        for (std::size_t i = 0; i + 1 < N; ++i)
            chars[i] = text.chars[i];
        chars[N - 1] = Extra;
        return fixed_string<N + 1>(chars);
    }
}

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

constexpr stop_table make_char_table(std::string_view chars) noexcept
{
    stop_table table{};
    for (char const c : chars)
        table[static_cast<unsigned char>(c)] = true;
    return table;
}

#if defined(__SSE2__)
namespace detail {

// The scans are forced inline (here and below): left to the compiler at -O2 they stayed
// calls inside the parser's hottest loop.
template <fixed_string Chars, std::size_t... I>
[[gnu::always_inline]] inline __m128i equal_to_any([[maybe_unused]] __m128i v,
                                                   std::index_sequence<I...>) noexcept
{
    __m128i hits = _mm_setzero_si128();
    ((hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, _mm_set1_epi8(Chars.chars[I])))), ...);
    return hits;
}

/// Bit i is set if `p[i]` is a blank or one of `Chars`.
template <fixed_string Chars>
[[gnu::always_inline]] inline unsigned stop_mask(char const* p) noexcept
{
    __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p));
    // a blank is ' ' or '\t'..'\r' (9..13), the bytes for which (v - 9) less 4 saturates to 0
    __m128i const blanks = _mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
        _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(v, _mm_set1_epi8(9)), _mm_set1_epi8(4)),
                       _mm_setzero_si128()));
    __m128i const others =
        equal_to_any<Chars>(v, std::make_index_sequence<Chars.view().size()>{});
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(blanks, others)));
}

} // namespace detail
#endif

/// The first byte of [it, last) that is a blank or one of `Chars`, or `last`. Tokens are
/// short and end unpredictably, so a byte loop pays a mispredicted exit per token; testing
/// 16 bytes at once mostly ends in one predictable branch. `floor` (at most `it`) is where
/// the readable text starts: a tail shorter than 16 bytes is read as the 16 bytes that end
/// at `last`, so nothing outside the text is ever read.
template <fixed_string Chars>
[[gnu::always_inline]] inline char const* find_stop(char const* it, char const* last,
                                                    char const* floor) noexcept
{
#if defined(__SSE2__)
    constexpr std::size_t width = 16;
    for (; static_cast<std::size_t>(last - it) >= width; it += width) {
        if (unsigned const mask = detail::stop_mask<Chars>(it))
            return it + std::countr_zero(mask);
    }
    if (it != last && static_cast<std::size_t>(last - floor) >= width) {
        auto const already_seen = width - static_cast<std::size_t>(last - it);
        unsigned const mask = detail::stop_mask<Chars>(last - width) >> already_seen;
        return mask ? it + std::countr_zero(mask) : last;
    }
#else
    (void)floor;
#endif
    // texts shorter than 16 bytes, and targets without SSE2
    static constexpr stop_table table = make_stop_table(Chars.view(), scan_plain);
    while (it != last && !table[static_cast<unsigned char>(*it)])
        ++it;
    return it;
}

template <fixed_string Stops, std::uint8_t Options>
struct scan_parser : x3::parser<scan_parser<Stops, Options>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    static constexpr bool at_is_stop = Stops.view().find('@') != std::string_view::npos;
    /// What `find_stop` looks for: `Stops`, and '@' or '\\' when the options look closer.
    static constexpr auto stop_chars =
        with_char<(Options & escapes) ? '\\' : '\0'>(
            with_char<(Options & user_suffix) && !at_is_stop ? '@' : '\0'>(Stops));

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const& context, RContext&,
               Attribute&) const noexcept
    {
        char const* const floor = failures(context).begin;
        char const* it = first;
        for (;;) {
            it = find_stop<stop_chars>(it, last, floor);
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

/// `scan<Stops, Options>` that succeeds only if it stops at `Terminator`, which it leaves
/// unconsumed; otherwise it fails and consumes nothing. One pass does what the lookahead
/// `&(scan<"="> >> '=') >> scan<"=">` does in two, e.g. "name=value" stops before '='.
template <fixed_string Stops, char Terminator, std::uint8_t Options = scan_plain>
struct scan_to_parser : x3::parser<scan_to_parser<Stops, Terminator, Options>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const& context, RContext& rcontext,
               Attribute& attr) const noexcept
    {
        char const* it = first;
        scan<Stops, Options>.parse(it, last, context, rcontext, attr);
        if (it == last || *it != Terminator)
            return false;
        first = it;
        return true;
    }
};

template <fixed_string Stops, char Terminator, std::uint8_t Options = scan_plain>
inline constexpr scan_to_parser<Stops, Terminator, Options> scan_to{};

/// Matches the exact text `Word` with one fixed-length comparison, where `x3::lit("...")`
/// compares character by character through its encoding traits.
template <fixed_string Word>
struct word_parser : x3::parser<word_parser<Word>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    static constexpr std::size_t size = Word.view().size();

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        // a comparison of constant size: the compiler makes it a few loads, no loop
        if (static_cast<std::size_t>(last - first) < size || std::memcmp(first, Word.chars, size))
            return false;
        first += size;
        return true;
    }
};

template <fixed_string Word>
inline constexpr word_parser<Word> word{};

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

/// Succeeds, consuming nothing, where a decimal number right after `After` did not parse:
/// digits directly after that separator mean the number overflowed (`:99999999999999999999`),
/// where a digit after a parsed number (`:09`, octal) is an ordinary bad character.
template <char After>
struct overflowed_number_parser : x3::parser<overflowed_number_parser<After>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        return first != last && *first >= '0' && *first <= '9' && first[-1] == After;
    }
};

template <char After>
inline constexpr overflowed_number_parser<After> overflowed_number{};

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
