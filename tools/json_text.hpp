// Strings for the tool's JSON output. JSON text is UTF-8 (RFC 8259), and Boost.JSON writes
// a string's bytes as they are, so one command holding other bytes (a Latin-1 file name, a
// fuzzer's noise) would make the whole line unreadable to a JSON parser. Each byte that does
// not start a well-formed UTF-8 sequence becomes U+FFFD, as decoders show it.
#pragma once

#include <boost/json/string.hpp>

#include <cstddef>
#include <string_view>

namespace probekit::cli {

/// Length of the well-formed UTF-8 sequence that starts `text` (not empty), or 0. RFC 3629:
/// no overlong forms, no surrogates, nothing past U+10FFFF.
inline std::size_t utf8_sequence_length(std::string_view text) noexcept
{
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char const lead = byte(0);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char second_low = 0x80, second_high = 0xbf; // where the second byte may lie
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        second_low = lead == 0xe0 ? 0xa0 : 0x80;  // overlong below U+0800
        second_high = lead == 0xed ? 0x9f : 0xbf; // surrogates U+D800..U+DFFF
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        second_low = lead == 0xf0 ? 0x90 : 0x80;  // overlong below U+10000
        second_high = lead == 0xf4 ? 0x8f : 0xbf; // past U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < second_low || byte(1) > second_high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if ((byte(i) & 0xc0) != 0x80)
            return 0;
    return length;
}

/// `text` as a JSON string value, with U+FFFD for each byte that is not UTF-8.
inline boost::json::string json_text(std::string_view text)
{
    constexpr std::string_view replacement = "\xef\xbf\xbd";
    boost::json::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        std::size_t const length = utf8_sequence_length(text);
        out.append(length ? text.substr(0, length) : replacement);
        text.remove_prefix(length ? length : 1);
    }
    return out;
}

} // namespace probekit::cli
