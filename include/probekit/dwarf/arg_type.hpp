// The type of a fetch argument, chosen as perf 6.1 chooses it from DWARF:
//
//   int -> s32   unsigned char -> x8   char * -> x64   double -> x64   enum -> x32
//   `:u`/`:s`/`:x` keep the DWARF size and change the letter (`w:x` -> x32)
//   `:string` on a char array reads it in place; on a char pointer it adds `+0(...)`
//   bitfields -> b<width>@<offset>/<container>, offset counted from the LSB (fault F6)
//   struct rec (144 bytes) -> x64 and a note "rec exceeds max-bitwidth. Cut down to 64 bits."
//
// Any other explicit type is kept as written, provided the kernel knows it: probekit
// rejects unknown types (perf 6.1 passes them to the kernel, which refuses them: F7).
#pragma once

#include <probekit/dwarf/arg_error.hpp>
#include <probekit/dwarf/fetch_arg.hpp>
#include <probekit/dwarf/type_info.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::dwarf {

/// The types the kernel's fetch args take, as listed in an error message.
inline constexpr std::string_view fetch_type_list =
    "u8 u16 u32 u64 s8 s16 s32 s64 x8 x16 x32 x64 char string ustring symbol symstr "
    "b<width>@<offset>/<container>, each optionally followed by [<array size>]";

namespace detail {
inline bool is_number(std::string_view text) noexcept
{
    unsigned value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// e.g. "b3@1/32"
inline bool is_bitfield_type(std::string_view t) noexcept
{
    auto const at = t.find('@');
    auto const slash = t.find('/');
    return t.size() > 1 && t[0] == 'b' && at != t.npos && slash != t.npos && at < slash &&
           is_number(t.substr(1, at - 1)) && is_number(t.substr(at + 1, slash - at - 1)) &&
           is_number(t.substr(slash + 1));
}

inline bool is_scalar_type(std::string_view t) noexcept
{
    if (t == "char" || t == "string" || t == "ustring" || t == "symbol" || t == "symstr" ||
        t == "%pd" || t == "%pD")
        return true;
    if (t.size() >= 2 && (t[0] == 'u' || t[0] == 's' || t[0] == 'x')) {
        auto const bits = t.substr(1);
        return bits == "8" || bits == "16" || bits == "32" || bits == "64";
    }
    return is_bitfield_type(t);
}
} // namespace detail

/// Does the kernel know `type` (with an optional `[N]` array suffix)? The bare letters
/// `u`, `s`, `x` are casts that only DWARF arguments understand; see `is_letter_cast`.
inline bool is_fetch_type(std::string_view type) noexcept
{
    if (type.size() > 2 && type.back() == ']') {
        auto const open = type.rfind('[');
        if (open == type.npos || !detail::is_number(type.substr(open + 1, type.size() - open - 2)))
            return false;
        type = type.substr(0, open);
    }
    return detail::is_scalar_type(type);
}

inline bool is_letter_cast(std::string_view type) noexcept
{
    return type == "u" || type == "s" || type == "x";
}

/// Rejects an explicit type the kernel would refuse (F7): `w:u128`, `w:foo`, `w:`.
inline std::optional<arg_error> check_explicit_type(std::string_view var, std::string_view type,
                                                    bool dwarf_variable)
{
    if (is_fetch_type(type) || (dwarf_variable && is_letter_cast(type)))
        return std::nullopt;
    return arg_error{error_kind::invalid, "Unknown type '" + std::string(type) + "' of '" +
                                              std::string(var) +
                                              "'. Valid types: " + std::string(fetch_type_list)};
}

/// How the fetch type is chosen.
struct type_request {
    std::string_view cast; ///< the explicit type, if `has_cast`
    bool has_cast = false;
    bool user = false;      ///< `@user`: a `:string` dereference reads user memory
    bool hex_types = true;  ///< the kernel takes x8..x64 (else unsigned `u` types)
};

/// Sets `arg.type` for the value `holder` describes (a variable, a member, or the array or
/// pointer type of an indexed element: any DIE whose DW_AT_type is the value's type), and
/// adds the extra dereference of a string through a pointer. Notes perf prints as
/// information go to `notes`.
inline std::optional<arg_error> choose_fetch_type(Dwarf_Die& holder, type_request const& req,
                                                  fetch_arg& arg, std::vector<std::string>& notes)
{
    std::string_view const cast = req.cast;
    bool const is_string = req.has_cast && (cast == "string" || cast == "ustring");

    // e.g. "w:u16", "p:b8@0/64": kept as written
    if (req.has_cast && !is_string && !is_letter_cast(cast)) {
        arg.type = std::string(cast);
        arg.has_type = true;
        return std::nullopt;
    }

    // Bitfields keep their own type whatever the letter cast says
    if (auto const field = bitfield_of(&holder)) {
        arg.type = "b" + std::to_string(field->width) + "@" + std::to_string(field->offset) +
                   "/" + std::to_string(field->container);
        arg.has_type = true;
        return std::nullopt;
    }

    Dwarf_Die type;
    if (!real_type_of(&holder, &type))
        return arg_error{error_kind::not_found,
                         std::string("Failed to get a type information of ") + name_of(&holder) +
                             "."};

    if (is_string) {
        int const tag = dwarf_tag(&type);
        if (tag != DW_TAG_pointer_type && tag != DW_TAG_array_type)
            return arg_error{error_kind::invalid, std::string("Failed to cast into string: ") +
                                                      name_of(&holder) + "(" + name_of(&type) +
                                                      ") is not a pointer nor array."};
        Dwarf_Die element;
        if (!real_type_of(&type, &element))
            return arg_error{error_kind::not_found, "Failed to get a type information."};
        if (tag == DW_TAG_pointer_type)
            arg.derefs.push_back({0, req.user});
        char const* name = dwarf_diename(&element);
        std::string_view const element_name = name ? name : "";
        if (element_name != "char" && element_name != "unsigned char")
            return arg_error{error_kind::invalid, std::string("Failed to cast into string: ") +
                                                      name_of(&holder) +
                                                      " is not (unsigned) char *."};
        arg.type = std::string(cast);
        arg.has_type = true;
        return std::nullopt;
    }

    char letter = is_signed_type(&type) ? 's' : req.hex_types ? 'x' : 'u';
    if (req.has_cast && (cast != "x" || req.hex_types))
        letter = cast.front();

    int const bytes = dwarf_bytesize(&type);
    if (bytes <= 0)
        return std::nullopt; // arrays, void: the kernel's default type
    int bits = bytes * 8;
    if (bits > 64) {
        notes.push_back(std::string(name_of(&type)) +
                        " exceeds max-bitwidth. Cut down to 64 bits.");
        bits = 64;
    }
    arg.type = letter + std::to_string(bits);
    arg.has_type = true;
    return std::nullopt;
}

} // namespace probekit::dwarf
