// SDT notes (`.note.stapsdt`, written by <sys/sdt.h>), read with elfutils' libelf, and the
// addresses a uprobe wants, computed as perf 6.1 computes them.
//
//   note = owner "stapsdt", type 3;
//          desc = PC, BASE, SEMAPHORE (4 or 8 bytes each, in the file's byte order),
//                 then "provider\0name\0args\0"
//
// e.g. /usr/bin/python3.11 (not PIE), probe python:audit:
//   PC 0x42512a, BASE 0x8cc5a0, SEMAPHORE 0xa84276;  .stapsdt.base at 0x8cc5a0, file offset
//   0x4cc5a0;  .probes at 0xa84260, file offset 0x683260
//   -> address 0x2512a (PC - BASE + offset of .stapsdt.base), semaphore 0x683276
//
// BASE is where the linker put `.stapsdt.base`; when a prelinker has moved the binary since,
// the section's real place and BASE differ, and the difference moves PC with it. perf takes
// the section's *file offset* for its place, which also turns PC into a file offset when
// the text and `.stapsdt.base` are mapped with the same offset-to-address difference (as
// every linker lays them out). The semaphore, a data address, becomes a file offset the
// same way through the `.probes` section that <sys/sdt.h> puts semaphores in.
#pragma once

#include <probekit/elf/section.hpp>
#include <probekit/error.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

namespace probekit {

/// One SDT probe site.
struct sdt_note {
    std::string provider;
    std::string name;
    std::string args;            ///< as written, e.g. "-4@-8(%rbp) 1@-36(%rbp)"; may be empty
    std::uint64_t pc = 0;        ///< perf's probe address (a file offset, see above)
    std::uint64_t semaphore = 0; ///< perf's `(ref_ctr_offset)`; 0: no semaphore
    std::uint64_t note_pc = 0;   ///< the three addresses as the note writes them
    std::uint64_t note_base = 0;
    std::uint64_t note_semaphore = 0;
    bool is32 = false; ///< an ELFCLASS32 file: addresses wrap at 32 bits, as perf's do
};

namespace detail::sdt {

inline constexpr std::string_view note_section = ".note.stapsdt";
inline constexpr std::string_view base_section = ".stapsdt.base";
inline constexpr std::string_view semaphore_section = ".probes";

inline parse_error bad_note(std::size_t offset, std::string_view message) noexcept
{
    return parse_error{error_kind::invalid, offset, 0, "an SDT note", message, {}};
}

/// The string at `text`, ending at its NUL or at `end`.
inline std::string_view bounded(char const* text, char const* end) noexcept
{
    auto const* nul = static_cast<char const*>(std::memchr(text, '\0', end - text));
    return {text, static_cast<std::size_t>((nul != nullptr ? nul : end) - text)};
}

/// Decodes one note's desc (`len` bytes at `desc`). Errors: invalid when it is too short
/// for the three addresses and two strings (perf then drops every note of the file).
inline result<sdt_note> decode_note(Elf* elf, char const* desc, std::size_t len,
                                    std::size_t where)
{
    // LIMITATION(L-072): the 32-bit layout is decoded but no 32-bit fixture tests it.
    bool const is32 = gelf_getclass(elf) == ELFCLASS32;
    std::size_t const word = is32 ? 4 : 8;
    if (len < 3 * word + 3)
        return bad_note(where, "an SDT note is too short for its addresses and names");

    // The addresses are in the file's byte order; libelf's translator converts them.
    std::uint64_t a64[3] = {};
    std::uint32_t a32[3] = {};
    Elf_Data dst{};
    dst.d_buf = is32 ? static_cast<void*>(a32) : static_cast<void*>(a64);
    dst.d_type = ELF_T_ADDR;
    dst.d_version = EV_CURRENT;
    dst.d_size = 3 * word;
    Elf_Data src = dst;
    src.d_buf = const_cast<char*>(desc);
    if (gelf_xlatetom(elf, &dst, &src, elf_getident(elf, nullptr)[EI_DATA]) == nullptr)
        return bad_note(where, "an SDT note's addresses cannot be decoded");

    // "provider\0name\0args\0"; no NUL after the provider is an error, as in perf.
    char const* const end = desc + len;
    char const* const provider = desc + 3 * word;
    auto const* provider_end =
        static_cast<char const*>(std::memchr(provider, '\0', end - provider));
    if (provider_end == nullptr)
        return bad_note(where, "an SDT note's provider name is not terminated");
    sdt_note note;
    note.is32 = is32;
    note.provider.assign(provider, provider_end);
    std::string_view const name = bounded(provider_end + 1, end);
    note.name = name;
    // perf: no arguments when the string is missing, empty, or starts with ':'.
    char const* const args = name.data() + name.size();
    if (end - args >= 2 && args[1] != ':' && args[1] != '\0')
        note.args = bounded(args + 1, end);
    note.note_pc = is32 ? a32[0] : a64[0];
    note.note_base = is32 ? a32[1] : a64[1];
    note.note_semaphore = is32 ? a32[2] : a64[2];
    return note;
}

/// perf's address arithmetic, in the width of the file's class.
// LIMITATION(L-071): one offset-to-address difference is assumed, as perf assumes it.
inline void place_note(sdt_note& note, Elf* elf, std::size_t shstrndx) noexcept
{
    std::uint64_t const mask = note.is32 ? 0xffffffffu : ~std::uint64_t{0};
    note.pc = note.note_pc;
    note.semaphore = note.note_semaphore;
    GElf_Shdr shdr;
    if (elf::find_section(elf, shstrndx, base_section, shdr) != nullptr && shdr.sh_offset != 0)
        note.pc = (note.note_pc + shdr.sh_offset - note.note_base) & mask;
    if (note.semaphore != 0 &&
        elf::find_section(elf, shstrndx, semaphore_section, shdr) != nullptr &&
        shdr.sh_offset != 0)
        note.semaphore = (note.semaphore - (shdr.sh_addr - shdr.sh_offset)) & mask;
}

} // namespace detail::sdt

/// The SDT notes of an open ELF, in file order; none is not an error.
/// perf's rules: only the first `.note.stapsdt` section, which must be a non-allocated
/// SHT_NOTE; a `stapsdt` note of another type ends the list.
/// Errors: invalid when it is not ELF or a note is malformed (perf then imports nothing).
/// Complexity: linear in the notes, times the sections for each note's adjustment.
inline result<std::vector<sdt_note>> read_sdt_notes(Elf* elf)
{
    GElf_Ehdr ehdr;
    std::size_t shstrndx = 0;
    if (elf == nullptr || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &ehdr) == nullptr ||
        elf_getshdrstrndx(elf, &shstrndx) != 0)
        return parse_error{error_kind::invalid, 0, 0, "an ELF file", "not an ELF file", {}};

    std::vector<sdt_note> notes;
    GElf_Shdr shdr;
    Elf_Scn* const scn = elf::find_section(elf, shstrndx, detail::sdt::note_section, shdr);
    if (scn == nullptr || shdr.sh_type != SHT_NOTE || (shdr.sh_flags & SHF_ALLOC) != 0)
        return notes;
    Elf_Data* const data = elf_getdata(scn, nullptr);
    if (data == nullptr || data->d_buf == nullptr)
        return notes;

    auto const* const bytes = static_cast<char const*>(data->d_buf);
    GElf_Nhdr nhdr;
    std::size_t name_at = 0;
    std::size_t desc_at = 0;
    for (std::size_t pos = 0, next = 0;
         (next = gelf_getnote(data, pos, &nhdr, &name_at, &desc_at)) > 0; pos = next) {
        if (nhdr.n_namesz != 8 || std::memcmp(bytes + name_at, "stapsdt", 8) != 0)
            continue;
        if (nhdr.n_type != 3)
            break;
        auto note = detail::sdt::decode_note(elf, bytes + desc_at, nhdr.n_descsz,
                                             shdr.sh_offset + desc_at);
        if (!note)
            return note.error();
        detail::sdt::place_note(*note, elf, shstrndx);
        notes.push_back(std::move(*note));
    }
    return notes;
}

/// The SDT notes of the ELF file at `path` (see above).
/// Errors: io when the file cannot be opened; see `read_sdt_notes(Elf*)`.
inline result<std::vector<sdt_note>> read_sdt_notes(char const* path)
{
    int const fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char const* const code = ::strerrorname_np(errno);
        return parse_error{error_kind::io, 0, 0, {}, "cannot open the binary",
                           code != nullptr ? std::string_view(code) : std::string_view()};
    }
    elf_version(EV_CURRENT);
    Elf* const elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    auto notes = read_sdt_notes(elf);
    if (elf != nullptr)
        elf_end(elf);
    ::close(fd);
    return notes;
}

/// The SDT notes of an ELF image in memory (a fuzzer's input, a file already read).
/// `image` is copied: libelf wants a writable buffer. Errors: see `read_sdt_notes(Elf*)`.
inline result<std::vector<sdt_note>> read_sdt_notes(std::span<char const> image)
{
    std::vector<char> copy(image.begin(), image.end());
    elf_version(EV_CURRENT);
    Elf* const elf = elf_memory(copy.data(), copy.size());
    auto notes = read_sdt_notes(elf);
    if (elf != nullptr)
        elf_end(elf);
    return notes;
}

} // namespace probekit
