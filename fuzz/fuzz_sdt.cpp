// libFuzzer target for the SDT readers. The first byte picks what the rest is:
//   0..1  an argument string (x86-64, aarch64): the converter must never crash, number the
//         arguments 1, 2, ... in order, keep every spec inside the input, name each
//         converted one `argN` and give every skipped one a reason;
//   2     the contents of a `.note.stapsdt` section, wrapped into a small ELF64 file with
//         `.stapsdt.base` and `.probes` sections: the note reader must never crash, and
//         whatever it reads must go through the conversion into cache entries;
//   3     a whole file for libelf.
#include <probekit/elf/sdt_notes.hpp>
#include <probekit/sdt_args.hpp>
#include <probekit/sdt_probe.hpp>

#include <elf.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

void check_args(std::string_view text, probekit::sdt_arch arch)
{
    auto const args = probekit::convert_sdt_args(text, arch);
    if (!args) {
        if (args.error().offset + args.error().length > text.size())
            std::abort();
        return;
    }
    std::size_t number = 0;
    for (auto const& a : *args) {
        if (a.number != ++number || a.offset + a.length > text.size() || a.length == 0)
            std::abort();
        if (a.skipped ? a.why.empty() : a.fetch.name != "arg" + std::to_string(a.number))
            std::abort();
    }
    std::string out;
    probekit::synthesize_sdt_args(*args, out);
}

template <typename T>
void put(std::vector<char>& image, std::size_t at, T const& value)
{
    std::memcpy(image.data() + at, &value, sizeof value);
}

/// A minimal ELF64 file: `notes` as its `.note.stapsdt`, plus `.stapsdt.base` and `.probes`
/// at addresses that differ from their file offsets.
std::vector<char> elf_with_notes(std::string_view notes)
{
    static constexpr char names[] = "\0.shstrtab\0.note.stapsdt\0.stapsdt.base\0.probes";
    std::size_t const names_at = sizeof(Elf64_Ehdr);
    std::size_t const notes_at = (names_at + sizeof names + 3) & ~std::size_t{3};
    std::size_t const base_at = notes_at + notes.size();
    std::size_t const probes_at = base_at + 1;
    std::size_t const headers_at = (probes_at + 16 + 7) & ~std::size_t{7};
    std::vector<char> image(headers_at + 5 * sizeof(Elf64_Shdr));
    std::memcpy(image.data() + names_at, names, sizeof names);
    std::memcpy(image.data() + notes_at, notes.data(), notes.size());

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = headers_at;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 5;
    eh.e_shstrndx = 1;
    put(image, 0, eh);

    auto section = [&](int index, Elf64_Word name, Elf64_Word type, Elf64_Xword flags,
                       Elf64_Addr addr, std::size_t offset, std::size_t size) {
        Elf64_Shdr sh{};
        sh.sh_name = name;
        sh.sh_type = type;
        sh.sh_flags = flags;
        sh.sh_addr = addr;
        sh.sh_offset = offset;
        sh.sh_size = size;
        sh.sh_addralign = type == SHT_NOTE ? 4 : 1;
        put(image, headers_at + index * sizeof(Elf64_Shdr), sh);
    };
    section(1, 1, SHT_STRTAB, 0, 0, names_at, sizeof names);
    section(2, 11, SHT_NOTE, 0, 0, notes_at, notes.size());
    section(3, 25, SHT_PROGBITS, SHF_ALLOC, 0x2000 + base_at, base_at, 1);
    section(4, 39, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x4000 + probes_at, probes_at, 16);
    return image;
}

void check_notes(std::span<char const> image)
{
    auto const notes = probekit::read_sdt_notes(image);
    if (!notes)
        return;
    for (auto const& n : *notes)
        for (auto arch : {probekit::sdt_arch::x86_64, probekit::sdt_arch::aarch64})
            check_args(n.args, arch);
    (void)probekit::sdt_entries(*notes, "/fuzz/bin");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::string_view const rest(reinterpret_cast<char const*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0: check_args(rest, probekit::sdt_arch::x86_64); break;
    case 1: check_args(rest, probekit::sdt_arch::aarch64); break;
    case 2: {
        auto const image = elf_with_notes(rest);
        check_notes(image);
        break;
    }
    default: check_notes(std::span<char const>(rest.data(), rest.size())); break;
    }
    return 0;
}
