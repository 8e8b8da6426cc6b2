// C++ names with their scopes (F14): `Counter::bump`, `geo::detail::scale`, `Shape::~Shape`.
// perf 6.1 compares a probe's function with DW_AT_name alone and never finds a qualified
// name; probekit also compares it with the DIE's scopes, read from the declaration (a
// member defined outside its class is a CU-level DIE whose DW_AT_specification points into
// the class).
//
//   qualified_name(die)                            // "geo::detail::scale"
//   names_scope_suffix("geo::detail::scale", "detail::scale")  // true
#pragma once

#include <probekit/dwarf/die_walk.hpp>

#include <cstdlib>
#include <string>
#include <string_view>

namespace probekit::dwarf {

/// Is `name` qualified (`A::f`)? Globs are not: they match DW_AT_name as in perf.
inline bool is_qualified_name(std::string_view name) noexcept
{
    return name.find("::") != std::string_view::npos;
}

/// The last component of a qualified name: what DW_AT_name holds (`bump`, `~Shape`).
/// `::` inside template arguments (`maxof<ns::T>`) does not split.
inline std::string_view unqualified_part(std::string_view name) noexcept
{
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < name.size(); ++i) {
        char const c = name[i];
        depth += c == '<' ? 1 : c == '>' ? -1 : 0;
        if (depth == 0 && c == ':' && name[i + 1] == ':')
            start = i + 2, ++i;
    }
    return name.substr(start);
}

/// Does `qualified` end with `written` at a scope boundary? (`a::B::f` ends with `B::f`
/// and with `a::B::f`, not with `xB::f`.)
inline bool names_scope_suffix(std::string_view qualified, std::string_view written) noexcept
{
    if (!qualified.ends_with(written))
        return false;
    auto const before = qualified.size() - written.size();
    return before == 0 || (before >= 2 && qualified.substr(before - 2, 2) == "::");
}

namespace detail {

/// The declaration a definition refers to (DW_AT_specification, through an abstract
/// origin), or the DIE itself.
inline Dwarf_Die declaration_of(Dwarf_Die die)
{
    for (int hops = 0; hops < 4; ++hops) {
        Dwarf_Attribute attr;
        Dwarf_Die next;
        if ((dwarf_attr(&die, DW_AT_specification, &attr) ||
             dwarf_attr(&die, DW_AT_abstract_origin, &attr)) &&
            dwarf_formref_die(&attr, &next)) {
            die = next;
            continue;
        }
        break;
    }
    return die;
}

inline bool is_scope_tag(int tag) noexcept
{
    return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
           tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

} // namespace detail

/// `ns::Class::name` of a function DIE; just its name outside any scope. Costs a walk from
/// its CU's root (dwarf_getscopes_die), so it is asked only for qualified probes.
inline std::string qualified_name(Dwarf_Die* die)
{
    char const* name = die_name(die);
    if (name == nullptr)
        return {};
    Dwarf_Die decl = detail::declaration_of(*die);
    Dwarf_Die* scopes = nullptr;
    int const n = dwarf_getscopes_die(&decl, &scopes);
    std::string out;
    for (int i = n - 1; i >= 1; --i) { // outermost first; [0] is the DIE itself
        if (!detail::is_scope_tag(dwarf_tag(&scopes[i])))
            continue;
        char const* scope = dwarf_diename(&scopes[i]);
        out.append(scope ? scope : "(anonymous namespace)").append("::");
    }
    std::free(scopes);
    return out.append(name);
}

} // namespace probekit::dwarf
