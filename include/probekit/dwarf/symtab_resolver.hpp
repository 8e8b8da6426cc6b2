// The symbol-table resolver: FUNC, FUNC+OFF and FUNC%return from ELF symbols alone, for
// binaries without debug information (and perf's fallback when DWARF is not required).
// No lines, no lazy patterns, no C variables: those report `unsupported`.
//
//   area+4  ->  symbol `area` at 0x1185, size 0x3c  ->  0x1189
#pragma once

#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/resolver.hpp>
#include <probekit/dwarf/symbol_lookup.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace probekit::dwarf {

/// Resolves from the ELF symbol table of an open `debuginfo`; does not own it.
class symtab_resolver {
public:
    symtab_resolver(debuginfo const& info, std::string module)
        : info_(&info), module_(std::move(module))
    {
    }

    result<resolution> resolve(perf_probe_event const& event)
    {
        auto const& point = event.point;
        if (!point.has_function || point.line || point.has_lazy || needs_variables(event)) {
            // perf's words, so that users know what to install.
            diagnostics_.push_back("The " + module_ + " file has no debug information.");
            diagnostics_.push_back(
                "Rebuild with -g, or install an appropriate debuginfo package.");
            return fail(error_kind::unsupported, "needs debug information");
        }

        std::string const name = unescape(point.function);
        resolution out{module_, {}};
        for (elf_symbol const& sym : find_function_symbols(*info_, name)) {
            if (point.offset > sym.size) {
                diagnostics_.push_back("Offset " + std::to_string(point.offset) +
                                       " is bigger than the size of " + std::string(sym.name));
                return fail(error_kind::invalid, "offset beyond the function");
            }
            probe_location loc;
            loc.vaddr = sym.value + point.offset;
            loc.address = info_->file_offset(loc.vaddr);
            loc.realname = std::string(sym.name);
            loc.retprobe = point.retprobe;
            for (auto const& arg : event.args)
                loc.args.push_back(verbatim_fetch(arg));
            out.locations.push_back(std::move(loc));
        }
        if (out.locations.empty()) {
            diagnostics_.push_back("Failed to find symbol " + name + " in " + module_);
            return fail(error_kind::not_found, "no such function in the symbol table");
        }
        return out;
    }

    std::vector<std::string> const& diagnostics() const noexcept { return diagnostics_; }

private:
    static parse_error fail(error_kind kind, std::string_view message)
    {
        return parse_error{kind, 0, 0, "", message, ""};
    }

    debuginfo const* info_;
    std::string module_;
    std::vector<std::string> diagnostics_;
};

static_assert(probe_resolver<symtab_resolver>);

} // namespace probekit::dwarf
