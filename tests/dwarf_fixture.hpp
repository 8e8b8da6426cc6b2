// Helpers of the DWARF argument tests: open a fixture binary, find a function and the
// address perf would probe, resolve arguments there, and ask the installed perf.
#pragma once

#include <probekit/dwarf/arg_resolver.hpp>
#include <probekit/dwarf/variable_listing.hpp>
#include <probekit/perf_probe.hpp>

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace probekit::test {

inline std::string fixture_path(std::string_view name)
{
    return std::string(PROBEKIT_FIXTURE_DIR) + "/" + std::string(name);
}

/// A fixture binary with its embedded DWARF and call-frame tables.
class fixture_binary {
public:
    explicit fixture_binary(std::string path) : path_(std::move(path))
    {
        fd_ = ::open(path_.c_str(), O_RDONLY);
        dwarf_ = fd_ >= 0 ? dwarf_begin(fd_, DWARF_C_READ) : nullptr;
        if (dwarf_)
            cfi_ = {dwarf_getcfi_elf(dwarf_getelf(dwarf_)), dwarf_getcfi(dwarf_), 0};
    }
    ~fixture_binary()
    {
        if (dwarf_)
            dwarf_end(dwarf_);
        if (fd_ >= 0)
            ::close(fd_);
    }
    fixture_binary(fixture_binary const&) = delete;
    fixture_binary& operator=(fixture_binary const&) = delete;

    bool ok() const noexcept { return dwarf_ != nullptr; }
    std::string const& path() const noexcept { return path_; }
    dwarf::arg_options options() const { return {dwarf::dwarf_arch::x86_64, cfi_}; }

    /// The out-of-line function `name` and its CU.
    std::optional<std::pair<Dwarf_Die, Dwarf_Die>> function(std::string_view name) const
    {
        Dwarf_Off offset = 0, next = 0;
        std::size_t header = 0;
        while (dwarf_nextcu(dwarf_, offset, &next, &header, nullptr, nullptr, nullptr) == 0) {
            Dwarf_Die cu;
            if (dwarf_offdie(dwarf_, offset + header, &cu)) {
                auto fn = dwarf::walk_children(cu, [&](Dwarf_Die& die) {
                    Dwarf_Addr low = 0;
                    char const* n = dwarf_diename(&die);
                    bool const match = dwarf_tag(&die) == DW_TAG_subprogram && n && name == n &&
                                       dwarf_lowpc(&die, &low) == 0;
                    return match ? dwarf::walk_step::found : dwarf::walk_step::skip_children;
                });
                if (fn)
                    return std::pair{*fn, cu};
            }
            offset = next;
        }
        return std::nullopt;
    }

    /// perf's probe address for `FUNC ARGS` with variable arguments: past the prologue at
    /// -O0 (the first line-table row after the entry whose line is past the declaration).
    static Dwarf_Addr probe_address(Dwarf_Die& fn, Dwarf_Die& cu, bool skip_prologue)
    {
        Dwarf_Addr entry = 0, high = 0;
        dwarf_entrypc(&fn, &entry);
        dwarf_highpc(&fn, &high);
        Dwarf_Attribute attr;
        Dwarf_Word decl = 0;
        dwarf_formudata(dwarf_attr(&fn, DW_AT_decl_line, &attr), &decl);
        Dwarf_Lines* lines = nullptr;
        std::size_t count = 0;
        if (!skip_prologue || dwarf_getsrclines(&cu, &lines, &count) != 0)
            return entry;
        for (std::size_t i = 0; i < count; ++i) {
            Dwarf_Line* line = dwarf_onesrcline(lines, i);
            Dwarf_Addr addr = 0;
            int number = 0;
            dwarf_lineaddr(line, &addr);
            dwarf_lineno(line, &number);
            if (addr > entry && addr < high && Dwarf_Word(number) > decl)
                return addr;
        }
        return entry;
    }

    /// The first address of source line `line` of the CU's file inside `fn`.
    static std::optional<Dwarf_Addr> line_address(Dwarf_Die& fn, Dwarf_Die& cu, int line)
    {
        Dwarf_Lines* lines = nullptr;
        std::size_t count = 0;
        if (dwarf_getsrclines(&cu, &lines, &count) != 0)
            return std::nullopt;
        for (std::size_t i = 0; i < count; ++i) {
            Dwarf_Line* row = dwarf_onesrcline(lines, i);
            Dwarf_Addr addr = 0;
            int number = 0;
            dwarf_lineaddr(row, &addr);
            dwarf_lineno(row, &number);
            if (number == line && dwarf_haspc(&fn, addr) > 0)
                return addr;
        }
        return std::nullopt;
    }

    /// The uprobe offset of an address: minus (.text sh_addr - sh_offset), as perf does.
    std::uint64_t file_offset(Dwarf_Addr addr) const
    {
        Elf* elf = dwarf_getelf(dwarf_);
        std::size_t shstrndx = 0;
        elf_getshdrstrndx(elf, &shstrndx);
        for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf, scn));) {
            GElf_Shdr shdr;
            gelf_getshdr(scn, &shdr);
            char const* name = elf_strptr(elf, shstrndx, shdr.sh_name);
            if (name && std::string_view(name) == ".text")
                return addr - (shdr.sh_addr - shdr.sh_offset);
        }
        return addr;
    }

private:
    std::string path_;
    int fd_ = -1;
    Dwarf* dwarf_ = nullptr;
    dwarf::cfi_tables cfi_;
};

/// The arguments of `spec` (a whole perf-probe command; only its arguments are used).
inline std::vector<probe_arg> args_of(std::string_view spec)
{
    auto parsed = parse_perf_probe(spec);
    return parsed ? parsed->args : std::vector<probe_arg>{};
}

/// Resolves the arguments of `spec` at `pc` in `scope` and writes them as perf does
/// (`x=+0(%di):s32 w=%si:s32`), or "error: MESSAGE".
inline std::string resolve_text(fixture_binary const& bin, Dwarf_Die& scope, Dwarf_Die& cu,
                                Dwarf_Addr pc, std::string_view spec)
{
    auto const args = args_of(spec);
    auto resolved = dwarf::resolve_args(scope, cu, pc, args, bin.options());
    if (!resolved)
        return "error: " + resolved.error().message;
    std::vector<dwarf::resolved_args> all{*resolved};
    if (auto error = dwarf::fill_missing_args(all, args))
        return "error: " + error->message;
    std::string out;
    for (auto const& arg : all.front().args) {
        if (!out.empty())
            out += ' ';
        dwarf::append_fetch_arg(out, arg.fetch);
    }
    return out;
}

/// Is perf installed (with DWARF support)? The comparisons with perf need it.
inline bool have_perf()
{
    return std::system("perf probe --help >/dev/null 2>&1") == 0 ||
           std::system("command -v perf >/dev/null 2>&1") == 0;
}

/// What `perf probe -x BIN -D SPEC` prints: (address, arguments text) per trace command.
/// perf writes a build-id cache under $HOME even for -D, so it gets a scratch HOME.
inline std::vector<std::pair<std::uint64_t, std::string>> perf_definitions(std::string const& bin,
                                                                          std::string const& spec)
{
    char home[] = "/tmp/probekit-args-perf-XXXXXX";
    if (!mkdtemp(home))
        return {};
    std::string const cmd = "HOME=" + std::string(home) + " perf probe -x " + bin + " -D '" +
                            spec + "' 2>/dev/null; rm -rf " + home;
    std::vector<std::pair<std::uint64_t, std::string>> out;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe)
        return out;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) {
        // e.g. "p:probe_x/area /path/x:0x1197 w=-28(%bp):s32"
        std::string_view line(buffer);
        while (!line.empty() && line.back() == '\n')
            line.remove_suffix(1);
        auto const place = line.find(' ');
        auto const colon = line.find(":0x", place);
        if (place == line.npos || colon == line.npos)
            continue;
        auto const args = line.find(' ', colon);
        std::uint64_t const addr = std::strtoull(std::string(line.substr(colon + 1)).c_str(),
                                                 nullptr, 16);
        out.emplace_back(addr, args == line.npos ? "" : std::string(line.substr(args + 1)));
    }
    ::pclose(pipe);
    return out;
}

} // namespace probekit::test
