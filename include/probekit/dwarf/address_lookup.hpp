// From an address back to a perf-probe point, as `perf probe -l` shows a live uprobe:
//
//   0x11a6 in demo  ->  { function "area", line 3, file "/src/demo.c" }   "area:3@/src/demo.c"
//
// C++ functions are named by their linkage name, as perf 6.1 names them.
// A function's entry is line 0 of it; an address inside an inlined instance is named after
// the innermost inlined function whose body holds it, or, at an inlined instance's entry,
// after the call site; an address that starts no line is FUNC+OFFSET.
#pragma once

#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/die_walk.hpp>
#include <probekit/perf_probe_event.hpp>

#include <cstring>
#include <optional>
#include <string>

namespace probekit::dwarf {

/// The perf-probe point of a link-time address, or nothing when DWARF does not cover it.
inline std::optional<probe_point> find_probe_point(debuginfo const& info, Dwarf_Addr addr)
{
    Dwarf_Die cu;
    if (!info.dwarf() || !dwarf_addrdie(info.dwarf(), addr, &cu))
        return std::nullopt;
    char const* file = nullptr;
    int line = 0;
    if (!line_at(&cu, addr, file, line))
        line = 0;

    char const* function = nullptr;
    char const* base_function = nullptr;
    int base_line = 0;
    Dwarf_Addr base_addr = 0;
    Dwarf_Die scope;
    if (find_real_function(&cu, addr, &scope)) {
        // perf 6.1 names the outer function by its linkage name where it has one
        // (`_ZN7Counter4bumpEi:2`), to tell overloads apart; inlined ones by DW_AT_name.
        function = base_function = linkage_name(&scope);
        if (!function)
            function = base_function = die_name(&scope);
        if (!function || !entry_pc(&scope, base_addr) ||
            dwarf_decl_line(&scope, &base_line) != 0) {
            line = 0;
        } else if (file = decl_file(&scope); addr == base_addr) {
            line = base_line;
        } else {
            // Down through the inlined instances around the address.
            Dwarf_Die inner;
            while (find_top_inline(&scope, addr, &inner)) {
                Dwarf_Addr entry = 0;
                if (entry_pc(&inner, entry) && entry == addr) {
                    line = call_line(&inner);
                    file = call_file(&inner);
                    break;
                }
                char const* name = die_name(&inner);
                if (!name || dwarf_decl_line(&inner, &base_line) != 0)
                    break;
                function = name;
                scope = inner;
            }
            char const* scope_file = decl_file(&scope);
            if (!scope_file || !file || std::strcmp(scope_file, file) != 0)
                line = 0;
        }
    }

    probe_point p;
    if (line) {
        p.line = static_cast<std::uint64_t>(line - base_line);
    } else if (base_function) {
        p.offset = addr - base_addr;
        function = base_function;
    }
    if (function) {
        p.function = function;
        p.has_function = true;
    }
    if (file) {
        p.file = file;
        p.has_file = true;
    }
    if (!function && !file)
        return std::nullopt;
    return p;
}

} // namespace probekit::dwarf
