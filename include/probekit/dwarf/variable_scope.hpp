// Which variable a name means at an address, in perf's order: a depth-first walk of the
// scope's children in DIE order that enters only the blocks and inlined instances
// containing the address; the first parameter or variable of that name with a location
// (or a constant value, or external linkage) wins. Failing that, the CU's top-level
// variables (globals and statics) are searched the same way.
//
//   area:3 r   -> the DW_TAG_variable 'r' of area
//   area g_counter -> not in area; the CU's 'g_counter' (DW_AT_external -> @g_counter)
#pragma once

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <cstring>
#include <optional>
#include <string_view>

namespace probekit::dwarf {

/// What a walk does after visiting a DIE.
enum class walk_step : unsigned char {
    found,         ///< stop: this DIE is the answer
    enter,         ///< visit its children, then its next siblings
    skip_children, ///< go on with its next sibling
};

/// Visits the children of `parent` depth-first in DIE order; `visit(Dwarf_Die&)` returns
/// a `walk_step`. Returns the DIE for which it returned `found`, if any.
template <typename Visit>
std::optional<Dwarf_Die> walk_children(Dwarf_Die& parent, Visit&& visit)
{
    Dwarf_Die die;
    if (dwarf_child(&parent, &die) != 0)
        return std::nullopt;
    do {
        walk_step const step = visit(die);
        if (step == walk_step::found)
            return die;
        if (step == walk_step::enter)
            if (auto inner = walk_children(die, visit))
                return inner;
    } while (dwarf_siblingof(&die, &die) == 0);
    return std::nullopt;
}

/// Does `die` cover `pc`? (Blocks, functions and inlined instances; never variables.)
inline bool covers(Dwarf_Die& die, Dwarf_Addr pc) noexcept
{
    return dwarf_haspc(&die, pc) > 0;
}

inline bool is_variable_tag(int tag) noexcept
{
    return tag == DW_TAG_formal_parameter || tag == DW_TAG_variable;
}

/// A parameter or variable that perf considers at all: it has a location, a constant
/// value, or external linkage (attributes of the DIE itself, not of its origin).
inline bool has_storage(Dwarf_Die& die) noexcept
{
    Dwarf_Attribute attr;
    return dwarf_attr(&die, DW_AT_external, &attr) || dwarf_attr(&die, DW_AT_location, &attr) ||
           dwarf_attr(&die, DW_AT_const_value, &attr);
}

/// The variable `name` refers to at `pc` inside `scope`, then among `cu`'s globals.
inline std::optional<Dwarf_Die> find_variable(Dwarf_Die& scope, Dwarf_Die& cu,
                                              std::string_view name, Dwarf_Addr pc)
{
    auto const search = [name](Dwarf_Die& root, Dwarf_Addr at) {
        return walk_children(root, [&](Dwarf_Die& die) {
            char const* die_name = dwarf_diename(&die);
            if (is_variable_tag(dwarf_tag(&die)) && die_name && name == die_name &&
                has_storage(die))
                return walk_step::found;
            return covers(die, at) ? walk_step::enter : walk_step::skip_children;
        });
    };
    if (auto local = search(scope, pc))
        return local;
    return search(cu, 0); // address 0: no function covers it, so top level only
}

/// Calls `f(Dwarf_Die&)` for each parameter (and, with `locals`, each variable) in scope
/// at `pc`, in perf's walk order. With `pc_scoped` false only `root`'s own children are
/// visited (perf's walk over a CU's globals).
template <typename F>
void for_each_variable(Dwarf_Die& root, Dwarf_Addr pc, bool locals, bool pc_scoped, F&& f)
{
    walk_children(root, [&](Dwarf_Die& die) {
        int const tag = dwarf_tag(&die);
        if (tag == DW_TAG_formal_parameter || (locals && tag == DW_TAG_variable))
            f(die);
        return pc_scoped && covers(die, pc) ? walk_step::enter : walk_step::skip_children;
    });
}

/// The out-of-line function of `cu` that contains `pc` (perf probes lines and lazy
/// patterns in the scope of that function, even inside an inlined instance).
inline std::optional<Dwarf_Die> containing_function(Dwarf_Die& cu, Dwarf_Addr pc)
{
    struct search {
        Dwarf_Addr pc;
        std::optional<Dwarf_Die> found;
    } state{pc, std::nullopt};
    auto const visit = [](Dwarf_Die* die, void* arg) {
        auto& s = *static_cast<search*>(arg);
        if (dwarf_tag(die) != DW_TAG_subprogram || !covers(*die, s.pc))
            return int(DWARF_CB_OK);
        s.found = *die;
        return int(DWARF_CB_ABORT);
    };
    dwarf_getfuncs(&cu, visit, &state, 0);
    return state.found;
}

} // namespace probekit::dwarf
