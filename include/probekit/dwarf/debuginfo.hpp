// One target binary opened for resolution: its ELF file, its symbol table and its DWARF,
// wherever the DWARF lives. elfutils' libdwfl finds the debug information where perf
// looks for it: in the binary itself, under /usr/lib/debug/.build-id/xx/rest.debug, and
// through .gnu_debuglink (next to the binary, in .debug/, in /usr/lib/debug).
#pragma once

#include <probekit/elf/section.hpp>
#include <probekit/error.hpp>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace probekit::dwarf {

/// An ELF symbol as the resolvers use it.
struct elf_symbol {
    std::string_view name; ///< as in the table, version suffix included (`x@GLIBC_2.2.5`)
    std::uint64_t value = 0;
    std::uint64_t size = 0;
    unsigned char type = STT_NOTYPE;
    unsigned char bind = STB_LOCAL;
    std::uint32_t section = SHN_UNDEF; ///< st_shndx (SHN_ABS for absolute symbols)
    unsigned char visibility = STV_DEFAULT;
    std::string_view section_name; ///< `.text`, `.data`...; empty for SHN_ABS and the like
    std::uint64_t section_flags = 0; ///< the section's sh_flags (SHF_ALLOC...); 0 without one
};

/// The target binary with its debug information. Move-only; owns the libdwfl session.
class debuginfo {
public:
    /// Opens `path` (after `realpath`). Fails with `io` if the file cannot be read as ELF.
    /// A binary without DWARF opens fine: `dwarf()` is then null.
    static result<debuginfo> open(std::string const& path)
    {
        debuginfo d;
        d.dwfl_.reset(dwfl_begin(&offline_callbacks()));
        if (!d.dwfl_)
            return parse_error{error_kind::io, 0, 0, "", "cannot start libdwfl", ""};
        dwfl_report_begin(d.dwfl_.get());
        d.module_ = dwfl_report_offline(d.dwfl_.get(), "", path.c_str(), -1);
        dwfl_report_end(d.dwfl_.get(), nullptr, nullptr);
        if (!d.module_)
            return parse_error{error_kind::io, 0, 0, "", "cannot read the target as ELF", ""};

        Dwarf_Addr bias = 0;
        d.elf_ = dwfl_module_getelf(d.module_, &bias);
        d.elf_bias_ = bias;
        d.dwarf_ = dwfl_module_getdwarf(d.module_, &bias);
        d.dwarf_bias_ = bias;
        d.text_bias_ = text_section_bias(d.elf_);
        if (d.dwarf_)
            d.open_frame_tables();
        return d;
    }

    Dwarf* dwarf() const noexcept { return dwarf_; }
    Dwfl_Module* module() const noexcept { return module_; }
    Elf* elf() const noexcept { return elf_; }

    /// The uprobe offset of a link-time address: perf subtracts `.text`'s
    /// (sh_addr - sh_offset), which turns the address into a file offset.
    std::uint64_t file_offset(std::uint64_t vaddr) const noexcept { return vaddr - text_bias_; }

    /// Calls `f(elf_symbol const&)` for each symbol (.symtab of the binary or of its debug
    /// file, else .dynsym), values as link-time addresses. `f` returns false to stop.
    template <typename F>
    void for_each_symbol(F&& f) const
    {
        int const count = dwfl_module_getsymtab(module_);
        for (int i = 1; i < count; ++i) {
            elf_symbol s;
            if (symbol_at(i, s) && !f(s))
                return;
        }
    }

    /// perf 6.1 also reads `.dynsym` of the file its `.symtab` comes from, so that an
    /// unstripped binary's exported symbols appear twice in `probe -F`. Calls `f` for each
    /// defined one, as `for_each_symbol` does; for none when the table was `.dynsym` itself
    /// or the file's `.dynsym` has no contents (a separate debug file's).
    template <typename F>
    void for_each_dynsym_beside_symtab(F&& f) const
    {
        GElf_Sym sym;
        GElf_Addr addr = 0;
        GElf_Word shndx = SHN_UNDEF;
        Elf* elf = nullptr;
        GElf_Shdr shdr;
        if (dwfl_module_getsymtab(module_) < 2 ||
            !dwfl_module_getsym_info(module_, 1, &sym, &addr, &shndx, &elf, nullptr) ||
            !probekit::elf::find_section(elf, ".symtab", shdr) || shdr.sh_type != SHT_SYMTAB)
            return;
        Elf_Scn* const table = probekit::elf::find_section(elf, ".dynsym", shdr);
        Elf_Data* const data = table && shdr.sh_type == SHT_DYNSYM && shdr.sh_entsize
                                   ? elf_getdata(table, nullptr) : nullptr;
        if (!data)
            return;
        std::size_t const count = shdr.sh_size / shdr.sh_entsize;
        for (std::size_t i = 1; i < count; ++i) {
            char const* name = gelf_getsym(data, static_cast<int>(i), &sym)
                                   ? elf_strptr(elf, shdr.sh_link, sym.st_name) : nullptr;
            if (!name || sym.st_shndx == SHN_UNDEF)
                continue;
            auto const s = describe(elf, name, sym, sym.st_value, sym.st_shndx);
            if (!f(s))
                return;
        }
    }

    /// Calls `f(elf_symbol const&)` for each symbol whose name without its `@VERSION` is
    /// `base` (and maybe a few others: the caller compares names), in table order; `f`
    /// returns false to stop. The first call indexes the table, so that a run of many
    /// commands does not scan it once per command.
    template <typename F>
    void for_each_symbol_named(std::string_view base, F&& f) const
    {
        if (!names_)
            names_ = index_symbol_names();
        std::uint64_t const key = name_hash(base);
        auto it = std::lower_bound(names_->begin(), names_->end(), name_entry{key, 0});
        for (; it != names_->end() && it->first == key; ++it) {
            elf_symbol s;
            if (symbol_at(it->second, s) && !f(s))
                return;
        }
    }

    /// The call-frame tables perf reads: `.eh_frame` of the file the DWARF is in (only if
    /// that file really holds it: a separate debug file has it as SHT_NOBITS) and that
    /// file's `.debug_frame`. Either may be null; both are indexed by DWARF addresses.
    Dwarf_CFI* eh_frame() const noexcept { return eh_cfi_.get(); }
    Dwarf_CFI* debug_frame() const noexcept { return debug_cfi_; }

    /// `.text`'s (sh_addr - sh_offset): a uprobe offset plus this is a link-time address.
    std::uint64_t text_bias() const noexcept { return text_bias_; }

    /// The DWARF address of a link-time address (they differ only by libdwfl's bias).
    Dwarf_Addr to_dwarf(std::uint64_t vaddr) const noexcept { return vaddr; }

private:
    using name_entry = std::pair<std::uint64_t, int>; // hash of the base name, table index

    static std::uint64_t name_hash(std::string_view base) noexcept
    {
        return std::hash<std::string_view>{}(base);
    }

    bool symbol_at(int i, elf_symbol& out) const
    {
        GElf_Sym sym;
        GElf_Addr addr = 0;
        GElf_Word shndx = SHN_UNDEF;
        Elf* elf = nullptr;
        char const* name =
            dwfl_module_getsym_info(module_, i, &sym, &addr, &shndx, &elf, nullptr);
        if (!name || sym.st_shndx == SHN_UNDEF)
            return false;
        out = describe(elf, name, sym, addr - elf_bias_, shndx);
        return true;
    }

    /// `sym` of `elf` at `value`, with the name and flags of its section `shndx` (none for
    /// SHN_ABS).
    static elf_symbol describe(Elf* elf, char const* name, GElf_Sym const& sym,
                               std::uint64_t value, GElf_Word shndx)
    {
        elf_symbol out{name, value, sym.st_size,
                       static_cast<unsigned char>(GELF_ST_TYPE(sym.st_info)),
                       static_cast<unsigned char>(GELF_ST_BIND(sym.st_info)), sym.st_shndx,
                       static_cast<unsigned char>(GELF_ST_VISIBILITY(sym.st_other)), {}};
        GElf_Shdr header;
        std::size_t names = 0;
        if (Elf_Scn* section = elf && shndx != SHN_ABS ? elf_getscn(elf, shndx) : nullptr)
            if (gelf_getshdr(section, &header) != nullptr && elf_getshdrstrndx(elf, &names) == 0)
                if (char const* section_name = elf_strptr(elf, names, header.sh_name)) {
                    out.section_name = section_name;
                    out.section_flags = header.sh_flags;
                }
        return out;
    }

    std::vector<name_entry> index_symbol_names() const
    {
        std::vector<name_entry> out;
        int const count = dwfl_module_getsymtab(module_);
        for (int i = 1; i < count; ++i) {
            elf_symbol s;
            if (symbol_at(i, s))
                out.emplace_back(name_hash(s.name.substr(0, s.name.find('@'))), i);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    struct dwfl_deleter {
        void operator()(Dwfl* d) const noexcept { dwfl_end(d); }
    };
    struct cfi_deleter {
        void operator()(Dwarf_CFI* c) const noexcept { dwarf_cfi_end(c); }
    };

    // Not libdwfl's tables (they come from the loaded binary): with glibc's separate
    // debug file perf finds no CFI at all, so frame-based variables are unsupported.
    void open_frame_tables()
    {
        Elf* elf = dwarf_getelf(dwarf_);
        GElf_Shdr shdr;
        if (Elf_Scn* scn = probekit::elf::find_section(elf, ".eh_frame", shdr);
            scn && shdr.sh_type == SHT_PROGBITS)
            eh_cfi_.reset(dwarf_getcfi_elf(elf));
        debug_cfi_ = dwarf_getcfi(dwarf_);
    }

    static Dwfl_Callbacks const& offline_callbacks() noexcept
    {
        static char* debuginfo_path = nullptr;
        static Dwfl_Callbacks const callbacks = {
            dwfl_build_id_find_elf,
            dwfl_standard_find_debuginfo,
            dwfl_offline_section_address,
            &debuginfo_path,
        };
        return callbacks;
    }

    static std::uint64_t text_section_bias(Elf* elf) noexcept
    {
        GElf_Shdr shdr;
        return probekit::elf::find_section(elf, ".text", shdr) ? shdr.sh_addr - shdr.sh_offset
                                                               : 0;
    }

    std::unique_ptr<Dwfl, dwfl_deleter> dwfl_;
    std::unique_ptr<Dwarf_CFI, cfi_deleter> eh_cfi_;
    Dwarf_CFI* debug_cfi_ = nullptr; // owned by the Dwarf
    Dwfl_Module* module_ = nullptr;
    Elf* elf_ = nullptr;
    Dwarf* dwarf_ = nullptr;
    Dwarf_Addr elf_bias_ = 0;
    Dwarf_Addr dwarf_bias_ = 0;
    std::uint64_t text_bias_ = 0;
    mutable std::optional<std::vector<name_entry>> names_; ///< sorted; built on first use
};

} // namespace probekit::dwarf
