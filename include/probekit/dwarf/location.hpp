// Where a variable lives at one address, as a fetch base: a DWARF location expression
// becomes a register (`%si`), a dereference of a register (`-24(%bp)`), a symbol
// (`@g_counter+0`) or an immediate (`\5`, from DW_AT_const_value).
//
//   DW_OP_reg4                      -> %si
//   DW_OP_breg5 8                   -> +8(%di)
//   DW_OP_fbreg -40, CFA = %bp+16   -> -24(%bp)
//   DW_OP_addr 0x4010 (g_counter)   -> @g_counter+0
//
// As in perf, only the first operation of the expression valid at the address counts;
// any other first operation (DW_OP_stack_value, DW_OP_entry_value, pieces, literals) is
// a location perf cannot fetch. Location lists are looked up at the address; a parameter
// probed at its function's entry, where gcc's list may start one byte later, takes the
// first entry valid anywhere in the function (perf does the same for fentry padding).
#pragma once

#include <probekit/dwarf/arg_error.hpp>
#include <probekit/dwarf/fetch_arg.hpp>
#include <probekit/dwarf/registers.hpp>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace probekit::dwarf {

/// The call-frame tables used to evaluate `DW_OP_call_frame_cfa` frame bases: those
/// perf reads (`debuginfo::eh_frame()` and `debug_frame()`, either may be null), and
/// what to subtract from a DWARF address to look it up in them (0 for those tables).
struct cfi_tables {
    Dwarf_CFI* eh = nullptr;
    Dwarf_CFI* debug = nullptr;
    Dwarf_Addr bias = 0;
};

/// The frame base of a scope at an address: the first operation of its DW_AT_frame_base,
/// with `DW_OP_call_frame_cfa` replaced by the CFA rule the CFI gives for the address.
/// Absent for scopes without one (inlined instances), as in perf.
struct frame_base {
    std::optional<Dwarf_Op> op;
};

/// Computes the frame base of `scope` at `pc`. Fails only when the CFA is needed and the
/// CFI has no frame for `pc` (perf: "Failed to get call frame on 0x...").
inline arg_result<frame_base> compute_frame_base(Dwarf_Die& scope, Dwarf_Addr pc,
                                                 cfi_tables const& cfi)
{
    Dwarf_Attribute attr;
    Dwarf_Op* ops = nullptr;
    std::size_t count = 0;
    if (!dwarf_attr(&scope, DW_AT_frame_base, &attr) ||
        dwarf_getlocation_addr(&attr, pc, &ops, &count, 1) <= 0 || count == 0)
        return frame_base{};
    if (count != 1 || ops[0].atom != DW_OP_call_frame_cfa || (!cfi.eh && !cfi.debug))
        return frame_base{ops[0]};

    // e.g. gcc -O0: DW_OP_call_frame_cfa, and the CFI says CFA = %rbp + 16 after the prologue
    for (Dwarf_CFI* table : {cfi.eh, cfi.debug}) {
        Dwarf_Frame* frame = nullptr;
        if (!table || dwarf_cfi_addrframe(table, pc - cfi.bias, &frame) != 0)
            continue;
        Dwarf_Op* cfa = nullptr;
        std::size_t cfa_count = 0;
        std::optional<Dwarf_Op> first;
        if (dwarf_frame_cfa(frame, &cfa, &cfa_count) == 0 && cfa_count > 0)
            first = cfa[0];
        std::free(frame);
        if (first)
            return frame_base{first};
        break; // perf gives up when the first table with a frame has no CFA rule
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "Failed to get call frame on 0x%jx", std::uintmax_t(pc));
    return arg_error{error_kind::not_found, buf};
}

/// Why a variable has no fetch base (perf's -ENOENT, -ENOTSUP, -EINVAL).
enum class location_status : std::uint8_t {
    ok,
    not_found,   ///< no location at this address (optimized out here)
    unsupported, ///< a location perf cannot express as a fetch arg
    invalid,     ///< the DIE has no location at all
};

namespace detail {

// Finds the expression valid at `pc`; at a function's entry a parameter may take the
// first one valid later in the function (gcc lists start after the fentry/endbr bytes).
inline bool location_at(Dwarf_Attribute& attr, Dwarf_Die& var, Dwarf_Addr pc,
                        Dwarf_Die* function, Dwarf_Op** ops, std::size_t* count)
{
    if (dwarf_getlocation_addr(&attr, pc, ops, count, 1) > 0)
        return true;
    Dwarf_Addr entry = 0, high = 0;
    if (!function || dwarf_entrypc(function, &entry) != 0 || entry != pc ||
        dwarf_tag(&var) != DW_TAG_formal_parameter || dwarf_highpc(function, &high) != 0)
        return false;
    for (Dwarf_Addr a = pc + 1; a <= high; ++a)
        if (dwarf_getlocation_addr(&attr, a, ops, count, 1) > 0)
            return true;
    return false;
}

// A register operation, possibly based on the frame base: sets base and offset.
inline location_status register_location(Dwarf_Op op, bool deref, std::int64_t offset,
                                         dwarf_arch arch, fetch_arg& out)
{
    std::uint64_t regno = 0;
    if (op.atom >= DW_OP_breg0 && op.atom <= DW_OP_breg31) {
        regno = op.atom - DW_OP_breg0;
        offset += std::int64_t(op.number);
        deref = true;
    } else if (op.atom >= DW_OP_reg0 && op.atom <= DW_OP_reg31) {
        regno = op.atom - DW_OP_reg0;
    } else if (op.atom == DW_OP_bregx) {
        regno = op.number;
        offset += std::int64_t(op.number2);
        deref = true;
    } else if (op.atom == DW_OP_regx) {
        regno = op.number;
    } else {
        return location_status::unsupported;
    }

    auto const name = register_name(arch, regno);
    if (name.empty())
        return location_status::unsupported;
    out.base = std::string(name);
    out.derefs.clear();
    if (deref)
        out.derefs.push_back({offset, false});
    return location_status::ok;
}

} // namespace detail

/// Sets `out.base` and `out.derefs` to where `var` lives at `pc`. `function` is the
/// out-of-line function probed at its entry (for the entry rule above), or null.
/// `name` is the variable's name, used for `@name` of globals and statics.
inline location_status locate_variable(Dwarf_Die& var, char const* name, Dwarf_Addr pc,
                                       frame_base const& fb, Dwarf_Die* function,
                                       dwarf_arch arch, fetch_arg& out)
{
    Dwarf_Attribute attr;
    auto const symbol = [&] {
        out.base = std::string("@") + (name ? name : "");
        out.derefs.assign(1, fetch_deref{0, false});
        return location_status::ok;
    };

    // Globals are fetched by name; the kernel resolves the symbol
    if (dwarf_attr(&var, DW_AT_external, &attr))
        return symbol();

    // e.g. an optimized constant: DW_AT_const_value 5 -> "\5"
    if (dwarf_attr(&var, DW_AT_const_value, &attr)) {
        Dwarf_Sword value = 0;
        if (dwarf_formsdata(&attr, &value) != 0)
            return location_status::unsupported;
        out.base = "\\" + std::to_string(value);
        out.derefs.clear();
        return location_status::ok;
    }

    if (!dwarf_attr(&var, DW_AT_location, &attr))
        return location_status::invalid;
    Dwarf_Op* ops = nullptr;
    std::size_t count = 0;
    if (!detail::location_at(attr, var, pc, function, &ops, &count) || count == 0)
        return location_status::not_found;

    if (ops[0].atom == DW_OP_addr)
        return symbol();
    if (ops[0].atom == DW_OP_fbreg) {
        if (!fb.op)
            return location_status::unsupported;
        return detail::register_location(*fb.op, true, std::int64_t(ops[0].number), arch, out);
    }
    return detail::register_location(ops[0], false, 0, arch, out);
}

} // namespace probekit::dwarf
