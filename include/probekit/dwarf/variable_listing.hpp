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
#include <probekit/dwarf/die_walk.hpp>
#include <probekit/dwarf/location.hpp>
#include <probekit/dwarf/type_info.hpp>
#include <probekit/dwarf/variable_scope.hpp>

#include <cstdlib>
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
    bool ranges = false;  ///< perf --range: `[VAL]`/`[INV]`/`[EXT]` and where each is valid
};

namespace detail {

/// `@<FUNC+[S-E,...]>`: `ranges` (DWARF address pairs) relative to the entry of `function`.
template <typename Next>
std::string relative_ranges(Dwarf_Die& function, Next&& next)
{
    Dwarf_Addr entry = 0;
    char const* name = dwarf_diename(&function);
    if (!entry_pc(&function, entry) || name == nullptr)
        return {};
    std::string out;
    Dwarf_Addr start = 0, end = 0;
    while (next(start, end)) {
        out += out.empty() ? std::string("@<") + name + "+[" : std::string(",");
        out += std::to_string(start - entry) + "-" + std::to_string(end - entry);
    }
    return out.empty() ? out : out + "]>";
}

/// Where `var` is valid, as perf's --range shows it: the pieces of its location list, or,
/// for a single location, the ranges of the scope that holds it.
inline std::string variable_range(Dwarf_Die& function, Dwarf_Die& var)
{
    Dwarf_Attribute attr;
    if (!dwarf_attr(&var, DW_AT_location, &attr))
        return {};
    Dwarf_Addr base = 0, first_start = 0, first_end = 0;
    Dwarf_Op* ops = nullptr;
    std::size_t count = 0;
    if (dwarf_getlocations(&attr, 0, &base, &first_start, &first_end, &ops, &count) <= 0)
        return {};
    if (first_start == 0) { // a single location: valid wherever its scope is
        Dwarf_Die* scopes = nullptr;
        int const n = dwarf_getscopes_die(&var, &scopes);
        std::string out;
        if (n > 1) { // scopes[1] holds the variable
            std::ptrdiff_t offset = 0;
            out = relative_ranges(function, [&](Dwarf_Addr& start, Dwarf_Addr& end) {
                return (offset = dwarf_ranges(&scopes[1], offset, &base, &start, &end)) > 0;
            });
        }
        std::free(scopes);
        return out;
    }
    std::ptrdiff_t offset = 0;
    return relative_ranges(function, [&](Dwarf_Addr& start, Dwarf_Addr& end) {
        return (offset = dwarf_getlocations(&attr, offset, &base, &start, &end, &ops,
                                            &count)) > 0;
    });
}

/// The variable's name in an entry (`TYPE\tNAME`, or `[VAL]\tTYPE\tNAME\tRANGE`).
inline std::string_view entry_name(std::string_view entry)
{
    if (entry.starts_with('['))
        entry.remove_prefix(entry.find('\t') + 1);
    entry.remove_prefix(entry.find('\t') + 1);
    return entry.substr(0, entry.find('\t'));
}

} // namespace detail

/// The "TYPE\tNAME" entries for a probe at `pc` in `scope` (the same scope as for
/// `resolve_args`), sorted. With `options.ranges`, also the variables that have no location
/// at `pc` (`[INV]`), and where each is valid, relative to `real_function`'s entry.
inline arg_result<std::vector<std::string>>
available_variables(Dwarf_Die& scope, Dwarf_Die& cu, Dwarf_Addr pc,
                    listing_options const& options, Dwarf_Die* real_function = nullptr)
{
    auto fb = compute_frame_base(scope, pc, options.cfi);
    if (!fb)
        return fb.error();
    Dwarf_Die* function = dwarf_tag(&scope) == DW_TAG_subprogram ? &scope : nullptr;

    std::set<std::string> entries;
    auto const add = [&](Dwarf_Die& die, bool external) {
        char const* name = dwarf_diename(&die);
        fetch_arg probe;
        if (!name)
            return;
        auto const status = locate_variable(die, name, pc, *fb, function, options.arch, probe);
        // perf lists a constant of any form (a long double or a struct is a block, which
        // it could not fetch): a listing never reads the value
        Dwarf_Attribute constant;
        bool const valid = status == location_status::ok ||
                           dwarf_attr(&die, DW_AT_const_value, &constant) != nullptr;
        bool const listed =
            valid || (options.ranges && status == location_status::not_found);
        if (!listed)
            return;
        std::string entry;
        if (options.ranges)
            entry = external ? "[EXT]\t" : valid ? "[VAL]\t" : "[INV]\t";
        entry += listing_type_name(&die).value_or("(unknown_type)") + "\t" + name;
        if (options.ranges && !external) {
            // perf leaves out a variable whose range it cannot tell (a constant value)
            auto const range = real_function != nullptr
                                   ? detail::variable_range(*real_function, die)
                                   : std::string();
            if (range.empty())
                return;
            entry += "\t" + range;
        }
        entries.insert(std::move(entry));
    };
    for_each_variable(scope, pc, true, true, [&](Dwarf_Die& die) { add(die, false); });
    if (options.externs)
        for_each_variable(cu, pc, true, false, [&](Dwarf_Die& die) { add(die, true); });
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
        if (!keep(detail::entry_name(entry)))
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
