// Finding an ELF section by name, with elfutils' libelf.
#pragma once

#include <cstddef>
#include <string_view>

#include <gelf.h>
#include <libelf.h>

namespace probekit::elf {

/// The first section named `name` (perf takes the first), its header in `shdr`; or null.
/// `shstrndx` is the section-name table's index (`elf_getshdrstrndx`).
inline Elf_Scn* find_section(Elf* elf, std::size_t shstrndx, std::string_view name,
                             GElf_Shdr& shdr) noexcept
{
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr;
         scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, &shdr) == nullptr)
            continue;
        char const* const n = elf_strptr(elf, shstrndx, shdr.sh_name);
        if (n != nullptr && name == n)
            return scn;
    }
    return nullptr;
}

/// The same, looking the section-name table up first; null also when `elf` is.
inline Elf_Scn* find_section(Elf* elf, std::string_view name, GElf_Shdr& shdr) noexcept
{
    std::size_t shstrndx = 0;
    if (elf == nullptr || elf_getshdrstrndx(elf, &shstrndx) != 0)
        return nullptr;
    return find_section(elf, shstrndx, name, shdr);
}

} // namespace probekit::elf
