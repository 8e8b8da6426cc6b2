// SDT argument specs (the third string of a `.note.stapsdt` note, written by <sys/sdt.h>)
// converted into uprobe fetch arguments, as perf 6.1 converts them when it imports a
// binary's notes into the probe cache:
//
//   note args   = spec { blanks spec } ;           split on white space, as argv_split does
//   spec        = [ SIZE "@" ] OPERAND ;
//   SIZE        = what strtol reads: -8 s64, -4 s32, -2 s16, -1 s8, 1 u8, 2 u16, 4 u32,
//                 8 u64; 0, +-3, +-5..7 or no number: no type; outside -8..8: the whole
//                 note is rejected (an error here, as perf drops the note);
//   x86-64      = [+-][DIGITS](%REG)  |  %REG            -> -8(%bp)  +0(%ax)  %di
//   aarch64     = xN (0..30)  |  [sp]  |  [sp, DIGITS]    -> %x1  +0(%sp)  +12(%sp)
//
//   "-4@-8(%rbp) 1@-36(%rbp)"  ->  "arg1=-8(%bp):s32 arg2=-36(%bp):u8"
//   "-4@$5 8@%rax"             ->  "arg2=%ax:u64"  (a constant is skipped, numbers kept)
//
// Register names become the kernel's (`%rbp`, `%ebp`, `%bpl` -> `%bp`; `%r8d` -> `%r8`);
// a name perf does not know (`%rip`, `%xmm0`) passes through, as perf passes it, and the
// kernel then rejects the probe. Operands a uprobe cannot fetch are skipped, each with a
// sentence saying why (see `sdt_arg::why`): constants (`$5`, aarch64 `5`), scaled indexes
// (`(%rax,%rdx,8)`), symbol-relative addresses (`sym(%rip)`), hexadecimal displacements,
// aarch64 dereferences of registers other than sp (`[x8]`), aarch64 `w`/`v` registers.
// An aarch64 `[sp, 12]`, which argv_split cuts in two, is joined back as perf joins it.
//
// Where perf 6.1 writes text the kernel cannot read, probekit skips the argument instead
// (docs/sdt.md): unbalanced parentheses (`-8(%rbp`), a displacement without parentheses
// (`8%rax`); and on aarch64 it reads `x30` (perf skips it) and skips the constants `30`
// and `31` (perf turns them into a register `%30`).
#pragma once

#include <probekit/error.hpp>
#include <probekit/trace_probe.hpp>
#include <probekit/trace_probe_event.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// Whose operand syntax a note uses. `other` is perf's fallback for an architecture
/// without an SDT conversion: every operand is skipped.
enum class sdt_arch : std::uint8_t { x86_64, aarch64, other };

inline std::string_view to_string(sdt_arch arch) noexcept
{
    switch (arch) {
    case sdt_arch::x86_64: return "x86_64";
    case sdt_arch::aarch64: return "aarch64";
    case sdt_arch::other: return "other";
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, sdt_arch arch) { return os << to_string(arch); }

/// "x86_64", "aarch64" (also "arm64"), anything else: nullopt.
inline std::optional<sdt_arch> parse_sdt_arch(std::string_view name) noexcept
{
    if (name == "x86_64" || name == "x86-64")
        return sdt_arch::x86_64;
    if (name == "aarch64" || name == "arm64")
        return sdt_arch::aarch64;
    return std::nullopt;
}

/// The architecture this program runs on: perf converts with the host's rules.
inline constexpr sdt_arch host_sdt_arch =
#if defined(__x86_64__)
    sdt_arch::x86_64;
#elif defined(__aarch64__)
    sdt_arch::aarch64;
#else
    sdt_arch::other;
#endif

/// One argument of a note, converted or skipped.
struct sdt_arg {
    std::size_t number = 0; ///< perf's N in `argN`: the position in the note, from 1
    std::size_t offset = 0; ///< where the spec starts in the argument string
    std::size_t length = 0; ///< its length (an aarch64 `[sp, 12]` spans two words)
    bool skipped = false;   ///< perf writes nothing for it
    std::string_view why;   ///< static sentence saying why it was skipped; else empty
    trace_arg fetch;        ///< `argN=` register, dereference and type, when not skipped
};

namespace detail::sdt {

inline bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

/// SIZE as strtol reads it: sign, decimal digits, stop at anything else; no digits: 0.
/// Saturates like strtol, so a huge size is out of range too.
inline std::int64_t read_size(std::string_view text) noexcept
{
    std::size_t i = 0;
    bool const negative = !text.empty() && text[0] == '-';
    if (!text.empty() && (text[0] == '-' || text[0] == '+'))
        ++i;
    std::int64_t value = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        if (value > (INT64_MAX - (text[i] - '0')) / 10)
            return negative ? INT64_MIN : INT64_MAX;
        value = value * 10 + (text[i] - '0');
    }
    return negative ? -value : value;
}

/// The type a size gives: -8 s64 ... 8 u64; other sizes in -8..8 give none.
inline trace_type size_type(std::int64_t size) noexcept
{
    std::uint8_t const bits = size == 1 || size == -1   ? 8
                              : size == 2 || size == -2 ? 16
                              : size == 4 || size == -4 ? 32
                              : size == 8 || size == -8 ? 64
                                                        : 0;
    if (bits == 0)
        return {};
    return {size < 0 ? fetch_type_kind::signed_int : fetch_type_kind::unsigned_int, bits};
}

/// The kernel's name of an x86-64 register as gas writes it, without `%`. perf looks the
/// name up as a prefix of its table's names (so `r1` reads as `r10`); names it does not
/// know pass through.
inline std::string_view x86_register(std::string_view reg) noexcept
{
    struct rename {
        std::string_view gas, kernel;
    };
    // perf's table order decides which entry a prefix meets first.
    static constexpr std::array<rename, 52> table{{
        {"eax", "ax"},   {"rax", "ax"},   {"al", "ax"},    {"ah", "ax"},    {"ebx", "bx"},
        {"rbx", "bx"},   {"bl", "bx"},    {"bh", "bx"},    {"ecx", "cx"},   {"rcx", "cx"},
        {"cl", "cx"},    {"ch", "cx"},    {"edx", "dx"},   {"rdx", "dx"},   {"dl", "dx"},
        {"dh", "dx"},    {"esi", "si"},   {"rsi", "si"},   {"sil", "si"},   {"edi", "di"},
        {"rdi", "di"},   {"dil", "di"},   {"ebp", "bp"},   {"rbp", "bp"},   {"bpl", "bp"},
        {"rsp", "sp"},   {"esp", "sp"},   {"spl", "sp"},   {"r8b", "r8"},   {"r8w", "r8"},
        {"r8d", "r8"},   {"r9b", "r9"},   {"r9w", "r9"},   {"r9d", "r9"},   {"r10b", "r10"},
        {"r10w", "r10"}, {"r10d", "r10"}, {"r11b", "r11"}, {"r11w", "r11"}, {"r11d", "r11"},
        {"r12b", "r12"}, {"r12w", "r12"}, {"r12d", "r12"}, {"r13b", "r13"}, {"r13w", "r13"},
        {"r13d", "r13"}, {"r14b", "r14"}, {"r14w", "r14"}, {"r14d", "r14"}, {"r15b", "r15"},
        {"r15w", "r15"}, {"r15d", "r15"},
    }};
    for (auto const& r : table)
        if (r.gas.starts_with(reg))
            return r.kernel;
    return reg;
}

/// Converts an x86-64 operand into `fetch`; returns why it is skipped, or empty.
inline std::string_view x86_operand(std::string_view op, trace_arg& fetch)
{
    if (op.find(',') != op.npos)
        return "a scaled-index operand (BASE,INDEX,SCALE) has no uprobe fetch form";
    if (op.find('$') != op.npos)
        return "a constant ($N) is not in any register or memory a uprobe can fetch";

    // e.g. "-8(%rbp)": sign, digits, '(', register, ')'
    std::size_t i = 0;
    char const sign = i < op.size() && (op[i] == '+' || op[i] == '-') ? op[i++] : '\0';
    std::size_t const digits_at = i;
    while (i < op.size() && is_digit(op[i]))
        ++i;
    std::string_view const digits = op.substr(digits_at, i - digits_at);
    bool const open = i < op.size() && op[i] == '(';
    i += open ? 1 : 0;
    if (i + 2 >= op.size() || op[i] != '%' || !is_lower(op[i + 1]))
        return op.find("(%rip)") != op.npos
                   ? "a symbol-relative address (SYM(%rip)) needs the symbol's address"
               : op.starts_with("0x") || op.starts_with("-0x")
                   ? "a hexadecimal displacement is not a form perf reads"
                   : "the operand is neither %REG nor DISP(%REG)";
    std::size_t const reg_at = i + 1;
    for (i = reg_at + 1; i < op.size() && (is_lower(op[i]) || is_digit(op[i]));)
        ++i;
    std::string_view const reg = op.substr(reg_at, i - reg_at);
    if (reg.size() < 2)
        return "the operand is neither %REG nor DISP(%REG)";
    bool const close = i < op.size() && op[i] == ')';
    i += close ? 1 : 0;
    if (i != op.size())
        return "the operand is neither %REG nor DISP(%REG)";
    if (reg.size() + 1 > 6)
        return "the register name is longer than any x86-64 register perf knows";
    if (open != close)
        return "unbalanced parentheses: the uprobe would not parse";
    if (!open && !digits.empty())
        return "a displacement without (%REG) is not a memory operand";

    fetch.base = fetch_base::reg;
    fetch.text = std::string(x86_register(reg));
    if (open) {
        std::uint64_t magnitude = 0;
        for (char const c : digits) {
            if (magnitude > (static_cast<std::uint64_t>(INT64_MAX) - (c - '0')) / 10)
                return "the displacement does not fit in 64 bits";
            magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
        }
        auto const value = static_cast<std::int64_t>(magnitude);
        fetch.derefs.push_back({sign == '-' ? -value : value, false, {}});
    }
    return {};
}

/// Converts an aarch64 operand into `fetch`; returns why it is skipped, or empty.
inline std::string_view aarch64_operand(std::string_view op, trace_arg& fetch)
{
    // e.g. "x1", "x30"
    if (op.size() >= 2 && op.size() <= 3 && op[0] == 'x' && is_digit(op[1]) &&
        (op.size() == 2 || (op[1] != '0' && is_digit(op[2])))) {
        int const n = op.size() == 2 ? op[1] - '0' : (op[1] - '0') * 10 + (op[2] - '0');
        if (n > 30)
            return "aarch64 has the registers x0 to x30 only (sp is written [sp])";
        fetch.base = fetch_base::reg;
        fetch.text = std::string(op);
        return {};
    }
    // e.g. "[sp]", "[sp, 12]" (perf also takes "[sp12]")
    if (op.starts_with("[sp") && op.ends_with(']')) {
        std::string_view inner = op.substr(3, op.size() - 4);
        if (inner.starts_with(", "))
            inner.remove_prefix(2);
        bool all_digits = true;
        std::uint64_t value = 0;
        for (char const c : inner) {
            all_digits = all_digits && is_digit(c) && value < (std::uint64_t{1} << 59);
            value = value * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (all_digits) {
            fetch.base = fetch_base::reg;
            fetch.text = "sp";
            fetch.derefs.push_back({static_cast<std::int64_t>(value), false, {}});
            return {};
        }
        return "only [sp] and [sp, N] with a decimal N are stack operands perf reads";
    }
    if (op.starts_with('['))
        return "perf reads only sp-based dereferences ([sp, N]), not other registers";
    if (!op.empty() && (op[0] == 'w' || op[0] == 'v' || op[0] == 'q' || op[0] == 'd'))
        return "only the 64-bit x registers have uprobe fetch names";
    if (!op.empty() && (is_digit(op[0]) || op[0] == '-'))
        return "a constant is not in any register or memory a uprobe can fetch";
    return "the operand is neither xN nor [sp, N]";
}

/// One spec: `[SIZE@]OPERAND`. Fills `arg`; an error only for a size outside -8..8.
inline std::optional<parse_error> convert_spec(std::string_view spec, sdt_arch arch,
                                               sdt_arg& arg)
{
    std::string_view op = spec;
    if (auto const at = spec.find('@'); at != spec.npos) {
        std::int64_t const size = read_size(spec.substr(0, at));
        if (size < -8 || size > 8)
            return parse_error{error_kind::invalid, arg.offset, at, "a size from -8 to 8",
                               "an SDT argument size outside -8..8 makes perf drop the note",
                               {}};
        arg.fetch.type = size_type(size);
        op = spec.substr(at + 1);
    }
    // LIMITATION(L-070): no powerpc conversion; other architectures skip every operand.
    arg.why = arch == sdt_arch::x86_64    ? x86_operand(op, arg.fetch)
              : arch == sdt_arch::aarch64 ? aarch64_operand(op, arg.fetch)
                                          : "perf converts SDT operands of x86-64 and "
                                            "aarch64 only";
    arg.skipped = !arg.why.empty();
    if (arg.skipped)
        arg.fetch = {};
    else
        arg.fetch.name = "arg" + std::to_string(arg.number);
    return std::nullopt;
}

} // namespace detail::sdt

/// Converts a note's argument string, one `sdt_arg` per spec (skipped ones included, so
/// their numbers and reasons can be shown).
/// Errors: invalid, at the spec, when a size is outside -8..8 (perf drops the whole note).
/// Complexity: linear.
inline result<std::vector<sdt_arg>> convert_sdt_args(std::string_view args,
                                                     sdt_arch arch = host_sdt_arch)
{
    using detail::sdt::is_blank;
    std::vector<sdt_arg> out;
    std::string joined;
    std::size_t pos = 0;
    auto const next_word = [&](std::size_t& at) {
        while (pos < args.size() && is_blank(args[pos]))
            ++pos;
        at = pos;
        while (pos < args.size() && !is_blank(args[pos]))
            ++pos;
        return args.substr(at, pos - at);
    };
    for (;;) {
        std::size_t at = 0;
        std::string_view spec = next_word(at);
        if (spec.empty())
            break;
        sdt_arg arg;
        arg.number = out.size() + 1;
        arg.offset = at;

        // perf joins "-4@[sp," with the word after it: "-4@[sp, 12]".
        std::size_t const save = pos;
        std::size_t second_at = 0;
        std::string_view second;
        if (spec.find("[sp,") != spec.npos)
            second = next_word(second_at);
        if (!second.empty()) {
            joined.assign(spec).append(" ").append(second);
            spec = joined;
        } else {
            pos = save;
        }
        arg.length = pos - at;

        if (auto error = detail::sdt::convert_spec(spec, arch, arg))
            return *error;
        out.push_back(std::move(arg));
    }
    return out;
}

/// Appends ` argN=FETCH[:TYPE]` for every converted argument, as the arguments follow the
/// place in a trace command (written by `synthesize_trace_probe`).
inline void synthesize_sdt_args(std::span<sdt_arg const> args, std::string& out)
{
    // A placeless, nameless event writes "p" and then exactly the arguments.
    trace_probe_event only_args;
    only_args.kind = trace_kind::uprobe;
    only_args.has_place = false;
    for (auto const& a : args)
        if (!a.skipped)
            only_args.args.push_back(a.fetch);
    std::string line;
    synthesize_trace_probe(only_args, line);
    out.append(std::string_view(line).substr(1));
}

} // namespace probekit
