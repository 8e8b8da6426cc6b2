// `perf probe -V POINT`: what perf 6.1 prints on stdout, computed through the point
// resolver (the same addresses a probe on POINT gets, without prologue skipping since -V
// has no arguments) and `available_variables` at each of them:
//
//   Available variables at area
//   	@<main+123>                 an inlined instance: the ELF symbol containing it
//   		(No matched variables)
//   	@<area+0>                   a function or line: the function and the offset
//   		int	a
//
// Unlike a probe, `POINT%return` lists the variables at the function's entry (perf does).
#pragma once

#include <probekit/dwarf/arg_hook.hpp>
#include <probekit/dwarf/libdw_resolver.hpp>
#include <probekit/dwarf/variable_listing.hpp>
#include <probekit/strfilter.hpp>

#include <elfutils/libdwfl.h>

#include <memory>
#include <string>
#include <vector>

namespace probekit::dwarf {

/// perf's default filter of -V: no kernel symbol-table or CRC entries.
inline constexpr std::string_view default_variable_filter = "!__k???tab_* & !__crc_*";

namespace detail {

// One address of the listing.
struct variable_site {
    std::string symbol;
    std::uint64_t offset = 0;
    std::vector<std::string> entries;
};

// perf names an address by the function DIE it searched from when that DIE has an
// entry address (functions, lines), else by the ELF symbol containing it (inlined
// instances, functions split into ranges).
inline void name_site(debuginfo const& info, Dwarf_Die* named, Dwarf_Addr pc,
                      variable_site& out)
{
    Dwarf_Addr entry = 0;
    char const* name = named ? dwarf_diename(named) : nullptr;
    if (named && dwarf_tag(named) != DW_TAG_inlined_subroutine &&
        dwarf_entrypc(named, &entry) == 0 && name) {
        out.symbol = name;
        out.offset = pc - entry;
        return;
    }
    Dwarf_Addr bias = 0;
    dwfl_module_getdwarf(info.module(), &bias);
    GElf_Sym sym;
    char const* symbol = dwfl_module_addrsym(info.module(), pc + bias, &sym, nullptr);
    out.symbol = symbol ? symbol : "";
    out.offset = symbol ? pc + bias - sym.st_value : 0;
}

} // namespace detail

/// The text of `perf probe -x MODULE -V POINT` for `event`'s point (its arguments are
/// ignored). `filter` selects variable names. Messages go to `diagnostics`; an error
/// means perf's "Error: Failed to show vars.".
inline result<std::string> show_variables(debuginfo const& info, std::string const& module,
                                          perf_probe_event event, bool externs,
                                          strfilter const& filter,
                                          std::vector<std::string>& diagnostics)
{
    auto const title = describe_point(event.point);
    event.args.clear();
    event.point.retprobe = false;

    listing_options options;
    auto const arg_options = arg_options_for(info);
    options.arch = arg_options.arch;
    options.cfi = arg_options.cfi;
    options.externs = externs;

    auto sites = std::make_shared<std::vector<detail::variable_site>>();
    auto failure = std::make_shared<std::string>();
    libdw_resolver resolver(info, module);
    resolver.set_arg_hook([&info, sites, failure, options](arg_site const& site,
                                                           perf_probe_event const& e,
                                                           std::vector<std::string>&)
                              -> result<std::vector<fetch_text>> {
        Dwarf_Die buf;
        Dwarf_Die* scope = variable_scope(site, e.point, buf);
        if (!scope || !site.cu)
            return std::vector<fetch_text>{};
        detail::variable_site out;
        bool const on_function = e.point.has_function && !e.point.line && !e.point.has_lazy;
        detail::name_site(info, on_function ? site.scope : scope, site.pc, out);
        auto entries = available_variables(*scope, *site.cu, site.pc, options);
        if (!entries)
            *failure = entries.error().message;
        else
            out.entries = std::move(*entries);
        sites->push_back(std::move(out));
        return std::vector<fetch_text>{};
    });

    auto found = resolver.resolve(event);
    for (auto const& d : resolver.diagnostics())
        diagnostics.push_back(d);
    if (!found)
        return found.error();
    if (!failure->empty()) {
        diagnostics.push_back(*failure);
        return parse_error{error_kind::not_found, 0, 0, "", "no call frame", ""};
    }

    std::string text = "Available variables at " + title + "\n";
    for (auto const& site : *sites)
        append_variable_block(text, site.symbol, site.offset, site.entries,
                              [&](std::string_view name) { return filter.match(name); });
    return text;
}

} // namespace probekit::dwarf
