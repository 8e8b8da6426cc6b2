// What perf asks of DWARF types: the type behind typedefs and qualifiers, its size and
// signedness, how `-V` spells it, and where a struct member or bitfield sits.
//
//   const size_t  --real_type-->  long unsigned int (8 bytes, unsigned)  ->  x64
//   struct flags { unsigned ready:1; unsigned mode:3; ... }  mode -> b3@1/32 at +0
#pragma once

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>
#include <string>

namespace probekit::dwarf {

/// The DIE named by `die`'s DW_AT_type (through DW_AT_abstract_origin), or null.
inline Dwarf_Die* type_of(Dwarf_Die* die, Dwarf_Die* out) noexcept
{
    Dwarf_Attribute attr;
    if (!dwarf_attr_integrate(die, DW_AT_type, &attr))
        return nullptr;
    return dwarf_formref_die(&attr, out);
}

inline bool is_qualifier(int tag) noexcept
{
    return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
           tag == DW_TAG_restrict_type || tag == DW_TAG_shared_type;
}

/// The type of `die` without const/volatile/restrict layers (typedefs kept), or null.
inline Dwarf_Die* unqualified_type_of(Dwarf_Die* die, Dwarf_Die* out) noexcept
{
    Dwarf_Die* type = type_of(die, out);
    while (type && is_qualifier(dwarf_tag(type)))
        type = type_of(type, out);
    return type;
}

/// The type of `die` without qualifiers and typedefs, or null (`void`).
inline Dwarf_Die* real_type_of(Dwarf_Die* die, Dwarf_Die* out) noexcept
{
    Dwarf_Die* type = unqualified_type_of(die, out);
    while (type && dwarf_tag(type) == DW_TAG_typedef)
        type = unqualified_type_of(type, out);
    return type;
}

/// Structs, unions and (C++) classes: the types whose members a field chain may name.
inline bool is_aggregate(int tag) noexcept
{
    return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
           tag == DW_TAG_class_type;
}

/// Signed integers and chars (DW_ATE_signed, signed_char, signed_fixed) print as `sNN`.
inline bool is_signed_type(Dwarf_Die* type) noexcept
{
    Dwarf_Attribute attr;
    Dwarf_Word encoding = 0;
    if (dwarf_formudata(dwarf_attr(type, DW_AT_encoding, &attr), &encoding) != 0)
        return false;
    return encoding == DW_ATE_signed || encoding == DW_ATE_signed_char ||
           encoding == DW_ATE_signed_fixed;
}

inline char const* name_of(Dwarf_Die* die) noexcept
{
    char const* name = dwarf_diename(die);
    return name ? name : "(null)";
}

/// How perf's `-V` spells the type of a variable: `int`, `struct point*`, `char**`,
/// `size_t`, `(function_type)`; nullopt when it has no name for it.
inline std::optional<std::string> listing_type_name(Dwarf_Die* die)
{
    Dwarf_Die type;
    if (!unqualified_type_of(die, &type))
        return std::nullopt;

    int const tag = dwarf_tag(&type);
    if (tag == DW_TAG_subroutine_type)
        return std::string("(function_type)");
    if (tag == DW_TAG_array_type || tag == DW_TAG_pointer_type) {
        // A `void *` has no DW_AT_type, and perf 6.1 then has no name: "(unknown_type)".
        auto inner = listing_type_name(&type);
        return inner ? std::optional(*inner + "*") : std::nullopt;
    }

    char const* name = dwarf_diename(&type);
    char const* prefix = tag == DW_TAG_union_type         ? "union "
                         : tag == DW_TAG_structure_type   ? "struct "
                         : tag == DW_TAG_enumeration_type ? "enum "
                                                          : nullptr;
    if (!name) // e.g. a lambda's closure type: perf has no name for it
        return std::nullopt;
    return std::string(prefix ? prefix : "") + name;
}

/// A bitfield as the kernel's `b<width>@<offset>/<container>` type takes it: `offset`
/// counts from the least significant bit of the `container`-bit word read at the
/// member's byte offset.
struct bitfield {
    int width = 0;
    int offset = 0;
    int container = 0; ///< bits
    /// DWARF 5: the container's byte offset in the struct (DWARF 4 has it in
    /// DW_AT_data_member_location; 0 here)
    std::uint64_t byte_offset = 0;
};

namespace detail {
inline std::optional<Dwarf_Word> udata(Dwarf_Die* die, unsigned name) noexcept
{
    Dwarf_Attribute attr;
    Dwarf_Word value = 0;
    if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &value) != 0)
        return std::nullopt;
    return value;
}

inline std::optional<Dwarf_Word> type_bytes(Dwarf_Die* member) noexcept
{
    Dwarf_Die type;
    if (!real_type_of(member, &type))
        return std::nullopt;
    int const size = dwarf_bytesize(&type);
    return size > 0 ? std::optional<Dwarf_Word>(Dwarf_Word(size)) : std::nullopt;
}
} // namespace detail

/// The bitfield `member` describes, relative to the member's byte offset; nullopt for a
/// plain member. DWARF 4 counts DW_AT_bit_offset from the most significant bit of a
/// DW_AT_byte_size container (perf 6.1 passes that count on unchanged: fault F6); DWARF 5
/// counts DW_AT_data_bit_offset from the start of the struct (perf 6.1 fails there).
/// Both become LSB-relative offsets (little-endian targets).
inline std::optional<bitfield> bitfield_of(Dwarf_Die* member)
{
    auto const width = detail::udata(member, DW_AT_bit_size);
    if (!width || *width == 0)
        return std::nullopt;

    if (auto const msb = detail::udata(member, DW_AT_bit_offset)) {
        auto bytes = detail::udata(member, DW_AT_byte_size);
        if (!bytes)
            bytes = detail::type_bytes(member);
        if (!bytes || *msb + *width > *bytes * 8)
            return std::nullopt;
        int const container = int(*bytes * 8);
        return bitfield{int(*width), container - int(*msb) - int(*width), container, 0};
    }

    auto const bit = detail::udata(member, DW_AT_data_bit_offset);
    auto const bytes = detail::type_bytes(member);
    if (!bit || !bytes)
        return std::nullopt;
    // The aligned container of the member's type, if the field fits in it (it does
    // unless the struct is packed); otherwise the smallest word from the field's byte.
    Dwarf_Word const bits = *bytes * 8;
    Dwarf_Word start = *bit / bits * bits;
    Dwarf_Word container = bits;
    if (*bit - start + *width > bits) {
        start = *bit / 8 * 8;
        container = 8;
        while (container < 64 && *bit - start + *width > container)
            container *= 2;
    }
    return bitfield{int(*width), int(*bit - start), int(container), start / 8};
}

/// The byte offset of a data member: DW_AT_data_member_location as a constant or as
/// `DW_OP_plus_uconst N`. DWARF 5 bitfields have DW_AT_data_bit_offset instead: their
/// offset is that of the container `bitfield_of` chooses.
inline std::optional<std::uint64_t> member_offset(Dwarf_Die* member)
{
    Dwarf_Attribute attr;
    if (dwarf_attr(member, DW_AT_data_member_location, &attr)) {
        Dwarf_Word value = 0;
        if (dwarf_formudata(&attr, &value) == 0)
            return value;
        Dwarf_Op* ops = nullptr;
        std::size_t count = 0;
        if (dwarf_getlocation(&attr, &ops, &count) == 0 && count == 1 &&
            ops[0].atom == DW_OP_plus_uconst)
            return ops[0].number;
        return std::nullopt;
    }
    if (detail::udata(member, DW_AT_data_bit_offset)) {
        if (auto const field = bitfield_of(member))
            return field->byte_offset;
    }
    return std::nullopt;
}

} // namespace probekit::dwarf
