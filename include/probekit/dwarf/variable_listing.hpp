// `probekit probe -V FUNC`: the variables a probe at an address can read, listed as
// perf 6.1 lists them, one block per address:
//
//   	@<area+0>
//   		int	a
//   		int	w
//   		struct point*	p
//
// Entries are "TYPE<TAB>NAME", sorted as strings (so by type first) without duplicates;
// a variable is listed when it has a location at the address. Globals of the CU are
// added only on request (perf's --externs).
#pragma once

#include <probekit/dwarf/arg_error.hpp>
#include <probekit/dwarf/location.hpp>
#include <probekit/dwarf/type_info.hpp>
#include <probekit/dwarf/variable_scope.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::dwarf {

/// What `available_variables` lists and how it reads locations.
struct listing_options {
    dwarf_arch arch = dwarf_arch::x86_64;
    cfi_tables cfi;
    bool externs = false; ///< also the CU's globals (perf --externs)
};

/// The "TYPE\tNAME" entries for a probe at `pc` in `scope` (the same scope as for
/// `resolve_args`), sorted.
inline arg_result<std::vector<std::string>> available_variables(Dwarf_Die& scope, Dwarf_Die& cu,
                                                                Dwarf_Addr pc,
                                                                listing_options const& options)
{
    auto fb = compute_frame_base(scope, pc, options.cfi);
    if (!fb)
        return fb.error();
    Dwarf_Die* function = dwarf_tag(&scope) == DW_TAG_subprogram ? &scope : nullptr;

    std::set<std::string> entries;
    auto const add = [&](Dwarf_Die& die) {
        char const* name = dwarf_diename(&die);
        fetch_arg probe;
        if (!name || locate_variable(die, name, pc, *fb, function, options.arch, probe) !=
                         location_status::ok)
            return;
        entries.insert(listing_type_name(&die).value_or("(unknown_type)") + "\t" + name);
    };
    for_each_variable(scope, pc, true, true, add);
    if (options.externs)
        for_each_variable(cu, pc, true, false, add);
    return std::vector<std::string>(entries.begin(), entries.end());
}

/// Appends the block of one address: `\t@<SYMBOL+OFFSET>` and the entries whose name
/// `keep(name)` accepts, or `(No matched variables)`.
template <typename Keep>
void append_variable_block(std::string& out, std::string_view symbol, std::uint64_t offset,
                           std::vector<std::string> const& entries, Keep&& keep)
{
    out += "\t@<";
    out += symbol;
    out += '+';
    out += std::to_string(offset);
    out += ">\n";
    std::size_t shown = 0;
    for (auto const& entry : entries) {
        auto const name = std::string_view(entry).substr(entry.find('\t') + 1);
        if (!keep(name))
            continue;
        out += "\t\t";
        out += entry;
        out += '\n';
        ++shown;
    }
    if (shown == 0)
        out += "\t\t(No matched variables)\n";
}

inline void append_variable_block(std::string& out, std::string_view symbol, std::uint64_t offset,
                                  std::vector<std::string> const& entries)
{
    append_variable_block(out, symbol, offset, entries, [](std::string_view) { return true; });
}

} // namespace probekit::dwarf
