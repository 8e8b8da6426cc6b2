// DWARF register numbers as perf prints them in fetch args. Uprobe and kprobe fetch args
// name x86_64 registers without their `r`/`e` prefix (`%di`, `%bp`), so DWARF's register 5
// is `%di`, never `%rdi`. The tables follow each psABI's DWARF numbering.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace probekit::dwarf {

/// The architectures whose DWARF register numbers probekit can name.
enum class dwarf_arch : std::uint8_t { x86_64, aarch64 };

namespace detail {
// x86_64 psABI: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8..15 r8..r15.
inline constexpr std::array<std::string_view, 16> x86_64_registers{
    "%ax", "%dx", "%cx", "%bx", "%si", "%di", "%bp", "%sp",
    "%r8", "%r9", "%r10", "%r11", "%r12", "%r13", "%r14", "%r15"};

// AArch64 DWARF: 0..30 x0..x30, 31 sp.
inline constexpr std::array<std::string_view, 32> aarch64_registers{
    "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7", "%x8", "%x9", "%x10",
    "%x11", "%x12", "%x13", "%x14", "%x15", "%x16", "%x17", "%x18", "%x19", "%x20",
    "%x21", "%x22", "%x23", "%x24", "%x25", "%x26", "%x27", "%x28", "%x29", "%x30", "%sp"};
} // namespace detail

/// The fetch-arg name of DWARF register `regno`, or an empty view when the architecture
/// has no name for it (vector registers: perf refuses those too).
constexpr std::string_view register_name(dwarf_arch arch, std::uint64_t regno) noexcept
{
    switch (arch) {
    case dwarf_arch::x86_64:
        return regno < detail::x86_64_registers.size() ? detail::x86_64_registers[regno]
                                                       : std::string_view{};
    case dwarf_arch::aarch64:
        return regno < detail::aarch64_registers.size() ? detail::aarch64_registers[regno]
                                                        : std::string_view{};
    }
    return {};
}

/// The architecture of an ELF `e_machine` value (62 EM_X86_64, 183 EM_AARCH64); x86_64
/// for anything else, since that is the only other table.
constexpr dwarf_arch arch_from_elf_machine(unsigned machine) noexcept
{
    return machine == 183 ? dwarf_arch::aarch64 : dwarf_arch::x86_64;
}

} // namespace probekit::dwarf
