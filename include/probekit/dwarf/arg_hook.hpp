// The argument resolver as `libdw_resolver`'s argument hook, and the step after it.
//
//   dwarf::libdw_resolver resolver(info, module);
//   dwarf::libdw_arg_hook hook(info);
//   resolver.set_arg_hook(hook);               // resolves the arguments at each address
//   auto found = resolver.resolve(event);
//   if (found && !hook.complete(*found, event, diagnostics)) ...fail   // see below
//
// `complete` is perf's last step (fill_empty_trace_arg): a variable that some addresses
// lack is typed as at the first address that has it, and a variable that no address has
// is an error ("Failed to find the location of the 'x' variable at this address.").
// Without it, a missing variable is `\deade12d` typed by its declaration, and a variable
// declared somewhere but located nowhere is not reported (one declared nowhere in the
// scope fails at once).
#pragma once

#include <probekit/dwarf/arg_resolver.hpp>
#include <probekit/dwarf/libdw_resolver.hpp>
#include <probekit/dwarf/registers.hpp>

#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace probekit::dwarf {

/// perf's scope for the variables of a probe: the function or inlined instance for a
/// probe on a function (entry or offset), the out-of-line function containing the
/// address for a line or a lazy pattern.
inline Dwarf_Die* variable_scope(arg_site const& site, probe_point const& point, Dwarf_Die& buf)
{
    bool const on_line = point.line != 0 || point.has_lazy || !point.has_function;
    if (!on_line && site.scope)
        return site.scope;
    if (site.cu)
        if (auto real = containing_function(*site.cu, site.pc)) {
            buf = *real;
            return &buf;
        }
    return site.function ? site.function : site.scope;
}

/// The call-frame tables and architecture of an opened target.
inline arg_options arg_options_for(debuginfo const& info)
{
    arg_options options;
    GElf_Ehdr header;
    if (info.elf() && gelf_getehdr(info.elf(), &header))
        options.arch = arch_from_elf_machine(header.e_machine);
    options.cfi.eh = info.eh_frame();
    options.cfi.debug = info.debug_frame();
    return options;
}

/// A fetch arg as `probe_location` keeps it.
inline fetch_text to_fetch_text(fetch_arg const& arg)
{
    return {arg.has_name ? arg.name : std::string(), fetch_value_text(arg),
            arg.has_type ? arg.type : std::string(), arg.has_name};
}

/// The argument hook; copies share their record of the addresses resolved so far.
class libdw_arg_hook {
public:
    /// `will_complete`: the caller runs `complete` after each resolution, so a variable
    /// undeclared at one address waits for the others, as in perf (the allocate of one
    /// CU has `closure`, the one of another does not). Without it, it fails at once.
    explicit libdw_arg_hook(debuginfo const& info, bool will_complete = false)
        : options_(arg_options_for(info)), record_(std::make_shared<record>())
    {
        options_.undeclared_is_error = !will_complete;
    }

    result<std::vector<fetch_text>> operator()(arg_site const& site,
                                               perf_probe_event const& event,
                                               std::vector<std::string>& diagnostics) const
    {
        Dwarf_Die buf;
        Dwarf_Die* scope = variable_scope(site, event.point, buf);
        if (!scope || !site.cu)
            return parse_error{error_kind::not_found, 0, 0, "", "no scope for the arguments", ""};
        auto resolved = resolve_args(*scope, *site.cu, site.pc, event.args, options_);
        if (!resolved) {
            diagnostics.push_back(resolved.error().message);
            return parse_error{resolved.error().kind, 0, 0, "",
                               "an argument cannot be resolved here", ""};
        }
        for (auto& note : resolved->notes)
            diagnostics.push_back(std::move(note));

        std::vector<fetch_text> out;
        for (auto const& arg : resolved->args)
            out.push_back(to_fetch_text(arg.fetch));
        if (record_->event != &event)
            *record_ = record{&event, {}};
        record_->sites[site.pc] = std::move(*resolved);
        return out;
    }

    /// perf's fill of missing variables over all locations of `event` (see the top).
    /// Returns false, with perf's message in `diagnostics`, when a variable is missing at
    /// every address.
    bool complete(resolution& found, perf_probe_event const& event,
                  std::vector<std::string>& diagnostics) const
    {
        if (record_->event != &event)
            return true; // no arguments resolved (no C variables, or symbol-table places)
        std::vector<resolved_args> all;
        std::vector<probe_location*> locations;
        for (auto& loc : found.locations) {
            auto const it = record_->sites.find(loc.vaddr);
            if (it == record_->sites.end() || it->second.args.size() != loc.args.size())
                continue;
            all.push_back(it->second);
            locations.push_back(&loc);
        }
        if (auto error = fill_missing_args(all, event.args)) {
            diagnostics.push_back(error->message);
            return false;
        }
        for (std::size_t i = 0; i < all.size(); ++i)
            for (std::size_t a = 0; a < all[i].args.size(); ++a)
                locations[i]->args[a] = to_fetch_text(all[i].args[a].fetch);
        return true;
    }

private:
    struct record {
        perf_probe_event const* event = nullptr;
        std::map<Dwarf_Addr, resolved_args> sites;
    };

    arg_options options_;
    std::shared_ptr<record> record_;
};

} // namespace probekit::dwarf
