// The names perf 6.1 gives to PLT slots, which no symbol table holds: one `NAME@plt` for
// each relocation of `.rela.plt` (or `.rel.plt`), NAME being the `.dynsym` symbol the slot
// jumps to, demangled as `perf probe -F` shows C++ names. A slot with no symbol, as an
// IRELATIVE one, is named `@plt` (glibc has 39 of them).
//
//   /tmp/demo: .rela.plt  R_X86_64_JUMP_SLOT printf, R_X86_64_JUMP_SLOT strlen
//              -> printf@plt, strlen@plt
//
// perf reads them from the binary itself (a separate debug file has no relocations), and
// only when the binary has a `.plt` and the relocations refer to its `.dynsym`.
#pragma once

#include <probekit/elf/section.hpp>
#include <probekit/elf/symbol_names.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include <gelf.h>
#include <libelf.h>

namespace probekit::elf {

/// The PLT slot names of `elf`, in relocation order; none when it has no PLT.
inline std::vector<std::string> plt_slot_names(Elf* elf)
{
    std::vector<std::string> names;
    GElf_Shdr plt, relocations, dynsym;
    Elf_Scn* scn = find_section(elf, ".rela.plt", relocations);
    if (scn == nullptr)
        scn = find_section(elf, ".rel.plt", relocations);
    if (scn == nullptr || find_section(elf, ".plt", plt) == nullptr ||
        (relocations.sh_type != SHT_RELA && relocations.sh_type != SHT_REL) ||
        relocations.sh_entsize == 0)
        return names;
    Elf_Scn* const symbols = elf_getscn(elf, relocations.sh_link);
    if (symbols == nullptr || gelf_getshdr(symbols, &dynsym) == nullptr ||
        dynsym.sh_type != SHT_DYNSYM)
        return names;
    Elf_Data* const data = elf_getdata(scn, nullptr);
    Elf_Data* const symbol_data = elf_getdata(symbols, nullptr);
    if (data == nullptr || symbol_data == nullptr)
        return names;

    std::size_t const count = relocations.sh_size / relocations.sh_entsize;
    names.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        GElf_Rela rela;
        GElf_Rel rel;
        std::size_t symbol_index = 0;
        if (relocations.sh_type == SHT_RELA) {
            if (gelf_getrela(data, static_cast<int>(i), &rela) == nullptr)
                break;
            symbol_index = GELF_R_SYM(rela.r_info);
        } else {
            if (gelf_getrel(data, static_cast<int>(i), &rel) == nullptr)
                break;
            symbol_index = GELF_R_SYM(rel.r_info);
        }
        GElf_Sym symbol;
        char const* name = nullptr;
        if (gelf_getsym(symbol_data, static_cast<int>(symbol_index), &symbol) != nullptr)
            name = elf_strptr(elf, dynsym.sh_link, symbol.st_name);
        names.push_back(demangle_without_parameters(name ? name : "") + "@plt");
    }
    return names;
}

} // namespace probekit::elf
