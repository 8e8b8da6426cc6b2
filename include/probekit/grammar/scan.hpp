// A fast X3 primitive for the commonest thing the probe grammars do: skip characters up to
// the first one of a set. `*(x3::char_ - x3::char_(";:"))` tests each byte through a chain
// of parsers; `scan(stops)` tests it against one 256-entry table, which is what lets a parse
// keep pace with a plain byte loop. Blanks always stop a scan: probe syntax splits on them.
//
//   scan(";=@+%", escapes)   e.g. "a\:b;x" stops at ';' (the escaped ':' does not count)
//   scan(":", user_suffix)   e.g. "r->label@user" stops at "@user" (perf's user access)
#pragma once

#include <probekit/grammar/failure.hpp>

#include <array>
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

/// One bit per byte value: 32 bytes, so a grammar full of scans stays in a few cache lines.
struct stop_table {
    std::array<std::uint64_t, 4> bits{};

    constexpr bool operator[](unsigned char c) const noexcept
    {
        return (bits[c >> 6] >> (c & 63)) & 1;
    }
    constexpr void set(unsigned char c) noexcept { bits[c >> 6] |= std::uint64_t{1} << (c & 63); }
};

constexpr bool is_blank(unsigned char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr stop_table make_stop_table(std::string_view stops) noexcept
{
    stop_table table;
    for (unsigned char const c : std::string_view(" \t\n\r\v\f"))
        table.set(c);
    for (char const c : stops)
        table.set(static_cast<unsigned char>(c));
    return table;
}

struct scan_parser : x3::parser<scan_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    stop_table table;
    std::uint8_t options;
    bool at_is_stop; ///< '@' stops the scan always, not only before "@user"

    constexpr scan_parser(std::string_view stops, std::uint8_t options) noexcept
        : table(make_stop_table(stops)), options(options),
          at_is_stop(stops.find('@') != std::string_view::npos)
    {
        if (options & user_suffix)
            table.set('@');
        if (options & escapes)
            table.set('\\');
    }

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const&, RContext&,
               Attribute&) const noexcept
    {
        char const* it = first;
        while (it != last) {
            auto const c = static_cast<unsigned char>(*it);
            if (!table[c]) {
                ++it;
                continue;
            }
            if (!consume_special(it, last, c))
                break;
        }
        if ((options & at_least_one) && it == first)
            return false;
        first = it;
        return true;
    }

private:
    /// Consumes an escape or a `::` at `it` if the options allow; false if `c` stops here.
    bool consume_special(char const*& it, char const* last, unsigned char c) const noexcept
    {
        bool const has_next = last - it > 1;
        if (c == '\\' && (options & escapes)) {
            bool const escapes_next = has_next && !is_blank(static_cast<unsigned char>(it[1]));
            it += escapes_next ? 2 : 1;
            return true;
        }
        if (c == ':' && (options & cxx_scope) && has_next && it[1] == ':') {
            it += 2;
            return true;
        }
        if (c == '@' && (options & user_suffix) && !at_is_stop) {
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

/// Skips to the first blank or character of `stops`; see `scan_option`.
constexpr scan_parser scan(std::string_view stops, std::uint8_t options = scan_plain) noexcept
{
    return {stops, options};
}

} // namespace probekit::grammar
