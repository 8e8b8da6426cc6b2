// A field chain `a->b.c[2]` applied to a located variable: each step changes the fetch
// the way perf 6.1 does it.
//
//   r            -24(%bp)            (a pointer to struct rec, on the stack)
//   r->pp        +32(-24(%bp))       `->` on a pointer: one more dereference
//   r->pp->y     +4(+32(-24(%bp)))
//   r->vals[2]   +56(-24(%bp))       `[N]` on an array: add N * element size
//   n.bytes[1]   -23(%bp)            `.` on a value in memory: add the member offset
//   arr[1]       +4(%di)             `[N]` on a pointer: dereference at N * element size
//
// Members are looked up through typedefs and qualifiers, into anonymous structs and
// unions; union members sit at offset 0. C++ classes count as structs (perf 6.1 refuses
// `this->member`: fault F14).
#pragma once

#include <probekit/dwarf/arg_error.hpp>
#include <probekit/dwarf/fetch_arg.hpp>
#include <probekit/dwarf/type_info.hpp>
#include <probekit/perf_probe_event.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace probekit::dwarf {

/// The member `name` of the struct, union or class `type`: a direct member, or the
/// anonymous member whose own type contains it (the chain then goes through it).
inline std::optional<Dwarf_Die> find_member(Dwarf_Die& type, std::string_view name)
{
    Dwarf_Die member;
    if (dwarf_child(&type, &member) != 0)
        return std::nullopt;
    do {
        if (dwarf_tag(&member) != DW_TAG_member)
            continue;
        char const* member_name = dwarf_diename(&member);
        if (member_name && name == member_name)
            return member;
        Dwarf_Die inner;
        if (!member_name && type_of(&member, &inner) && find_member(inner, name))
            return member;
    } while (dwarf_siblingof(&member, &member) == 0);
    return std::nullopt;
}

namespace detail {

inline arg_error field_error(error_kind kind, std::string message)
{
    return arg_error{kind, std::move(message)};
}

// `[N]` on an array (in place) or a pointer (one dereference). `holder` becomes the
// array or pointer type, whose DW_AT_type is the element's type.
inline std::optional<arg_error> apply_index(Dwarf_Die& holder, Dwarf_Die& type,
                                            probe_field const& field, std::string_view owner,
                                            bool user, fetch_arg& arg)
{
    Dwarf_Die element;
    if (!real_type_of(&type, &element))
        return field_error(error_kind::not_found,
                           "Failed to get the type of " + std::string(owner) + ".");
    if (dwarf_tag(&type) == DW_TAG_pointer_type)
        arg.derefs.push_back({0, user});
    else if (arg.derefs.empty())
        return field_error(error_kind::unsupported,
                           "Structure on a register is not supported yet.");

    Dwarf_Word size = 0;
    if (dwarf_aggregate_size(&element, &size) != 0)
        return field_error(error_kind::not_found,
                           "Failed to get the size of an element of " + std::string(owner) + ".");
    arg.derefs.back().offset += std::int64_t(size) * field.index;
    arg.derefs.back().user = user;
    holder = type;
    return std::nullopt;
}

// `->name` or `.name`: checks the operator against the type, then finds the member.
inline std::optional<arg_error> apply_member(Dwarf_Die& holder, Dwarf_Die type,
                                             probe_field const& field, std::string_view owner,
                                             bool user, fetch_arg& arg)
{
    std::string const name = field.name;
    if (dwarf_tag(&type) == DW_TAG_pointer_type) {
        if (field.access != field_access::arrow)
            return field_error(error_kind::invalid,
                               "Semantic error: " + name + " must be referred by '->'");
        if (!real_type_of(&type, &type))
            return field_error(error_kind::not_found,
                               "Failed to get the type of " + std::string(owner) + ".");
        if (!is_aggregate(dwarf_tag(&type)))
            return field_error(error_kind::invalid,
                               std::string(owner) + " is not a data structure nor a union.");
        arg.derefs.push_back({0, user});
    } else {
        if (!is_aggregate(dwarf_tag(&type)))
            return field_error(error_kind::invalid,
                               std::string(owner) + " is not a data structure nor a union.");
        if (field.access == field_access::index)
            return field_error(error_kind::invalid, "Semantic error: " + std::string(owner) +
                                                        " is not a pointer nor array.");
        if (field.access == field_access::arrow && dwarf_diename(&holder))
            return field_error(error_kind::invalid,
                               "Semantic error: " + name + " must be referred by '.'");
        if (arg.derefs.empty())
            return field_error(error_kind::unsupported,
                               "Structure on a register is not supported yet.");
    }

    auto member = find_member(type, name);
    if (!member)
        return field_error(error_kind::invalid, std::string(owner) + "(type:" + name_of(&type) +
                                                    ") has no member " + name + ".");
    std::optional<std::uint64_t> offset = std::uint64_t(0);
    if (dwarf_tag(&type) != DW_TAG_union_type)
        offset = member_offset(&*member);
    if (!offset)
        return field_error(error_kind::not_found, "Failed to get the offset of " + name + ".");
    arg.derefs.back().offset += std::int64_t(*offset);
    arg.derefs.back().user = user;
    holder = *member;

    // An anonymous struct or union member: the same name is looked up inside it
    if (!dwarf_diename(&holder)) {
        Dwarf_Die inner;
        if (!real_type_of(&holder, &inner))
            return field_error(error_kind::not_found, "Failed to get the type of " + name + ".");
        probe_field const dot{field_access::dot, field.name, 0};
        return apply_member(holder, inner, dot, owner, user, arg);
    }
    return std::nullopt;
}

} // namespace detail

/// Applies `fields` to `arg` (already located). `holder` is the variable's DIE on entry and
/// the DIE describing the final value on return (see `choose_fetch_type`).
inline std::optional<arg_error> apply_fields(Dwarf_Die& holder, std::string_view var,
                                             std::span<probe_field const> fields, bool user,
                                             fetch_arg& arg)
{
    std::string owner(var);
    for (auto const& field : fields) {
        Dwarf_Die type;
        if (!real_type_of(&holder, &type))
            return detail::field_error(error_kind::not_found,
                                       "Failed to get the type of " + owner + ".");
        int const tag = dwarf_tag(&type);
        bool const indexable = tag == DW_TAG_array_type || tag == DW_TAG_pointer_type;
        auto const error = field.access == field_access::index && indexable
                               ? detail::apply_index(holder, type, field, owner, user, arg)
                               : detail::apply_member(holder, type, field, owner, user, arg);
        if (error)
            return error;
        owner = field.name;
    }
    return std::nullopt;
}

} // namespace probekit::dwarf
