// Finding functions in an ELF symbol table by name or glob, as perf's map lookup does:
// STT_FUNC (and GNU IFUNC) symbols, the `@VERSION` suffix ignored unless the pattern has
// one, one hit per address, in table order.
#pragma once

#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/strfilter.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::dwarf {

/// A perf glob (`*`, `?`, `[`) rather than a plain name?
inline bool is_glob(std::string_view text) noexcept
{
    return text.find_first_of("*?[") != std::string_view::npos;
}

inline bool symbol_matches(std::string_view pattern, std::string_view name) noexcept
{
    if (pattern.find('@') == std::string_view::npos)
        name = name.substr(0, name.find('@'));
    return is_glob(pattern) ? glob_match(pattern, name) : pattern == name;
}

/// The function symbols that `pattern` names, one per address.
inline std::vector<elf_symbol> find_function_symbols(debuginfo const& info,
                                                     std::string_view pattern)
{
    std::vector<elf_symbol> found;
    auto const visit = [&](elf_symbol const& s) {
        bool const code = s.type == STT_FUNC || s.type == STT_GNU_IFUNC;
        bool const seen = std::any_of(found.begin(), found.end(),
                                      [&](elf_symbol const& f) { return f.value == s.value; });
        if (code && !seen && symbol_matches(pattern, s.name))
            found.push_back(s);
        return true;
    };
    if (is_glob(pattern))
        info.for_each_symbol(visit);
    else
        info.for_each_symbol_named(pattern.substr(0, pattern.find('@')), visit);
    return found;
}

/// The symbol (of any kind) with exactly this name, the lowest-addressed of several (perf
/// takes the first of its name-sorted table: glibc's two `zeroes` give 0x191840); perf's
/// alternative-point lookup takes data symbols too, and then fails to map them to a
/// function. A glob takes the first match in table order.
inline bool find_any_symbol(debuginfo const& info, std::string_view name, elf_symbol& out)
{
    bool found = false;
    bool const glob = is_glob(name);
    auto const visit = [&](elf_symbol const& s) {
        if (s.type == STT_SECTION || s.type == STT_FILE || !symbol_matches(name, s.name))
            return true;
        if (!found || s.value < out.value)
            out = s;
        found = true;
        return !glob;
    };
    if (glob)
        info.for_each_symbol(visit);
    else
        info.for_each_symbol_named(name.substr(0, name.find('@')), visit);
    return found;
}

/// perf's name for a probe in a function without DW_AT_entry_pc/DW_AT_low_pc (one split
/// into hot and cold parts, with DW_AT_ranges): the libdwfl symbol at the address. perf
/// passes the DWARF address where libdwfl expects a module address, which for an offline
/// shared object is 0x10000 higher, so the symbol looked up is the one 0x10000 bytes
/// below. perf drops the probe when there is none ("Failed to find symbol at 0x...");
/// we ask libdwfl the same question to keep the same probes.
inline bool perf_finds_symbol_at(debuginfo const& info, Dwarf_Addr dwarf_addr)
{
    GElf_Sym sym;
    return info.module() && dwfl_module_addrsym(info.module(), dwarf_addr, &sym, nullptr);
}

} // namespace probekit::dwarf
