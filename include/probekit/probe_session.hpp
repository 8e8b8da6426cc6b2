// What `perf probe` does between the parser and the kernel: resolve each command, name
// its events (group, event, numbered suffixes), and spell the trace commands.
//
//   probekit::probe_session<probekit::dwarf::libdw_resolver> s(resolver, "probe_app");
//   auto defs = s.convert(events);          // all or nothing, as perf
//   for (auto const& d : *defs) std::puts(probekit::synthesize_definition(d).c_str());
//   // p:probe_app/area /opt/app:0x1159
//
// Naming follows perf 6.1 on a kernel with multi-probe events: every address of one
// command gets the same name (F11); a name already on the kernel's list gets `_1`, `_2`...
// only when suffixes are allowed (`-f`), and is an error otherwise.
#pragma once

#include <probekit/dwarf/resolver.hpp>
#include <probekit/error.hpp>
#include <probekit/event_name.hpp>
#include <probekit/perf_probe_event.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// One trace command produced from a perf-probe command.
struct probe_definition {
    std::string group;
    std::string event;
    std::string module;
    dwarf::probe_location location;
};

/// Appends `p:GROUP/EVENT MODULE:0xADDR ARGS` (`r:` for a return probe).
inline void synthesize_definition(probe_definition const& d, std::string& out)
{
    char address[32];
    std::snprintf(address, sizeof address, "0x%llx",
                  static_cast<unsigned long long>(d.location.address));
    out += d.location.retprobe ? "r:" : "p:";
    out += d.group + "/" + d.event + " " + d.module + ":" + address;
    for (auto const& arg : d.location.args) {
        out += ' ';
        if (arg.named || !arg.name.empty())
            out += arg.name + "=";
        out += arg.value;
        if (!arg.type.empty())
            out += ":" + arg.type;
    }
}

inline std::string synthesize_definition(probe_definition const& d)
{
    std::string out;
    synthesize_definition(d, out);
    return out;
}

/// The kernel's rule for event and group names: a C identifier.
inline bool is_c_identifier(std::string_view name) noexcept
{
    auto const alpha = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    if (name.empty() || !alpha(name.front()))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

/// The event name before suffixes: the given name, FUNC_L<n>, the function as written,
/// or the symbol found (cut at `.` or `@`: `.isra.0`, `@GLIBC_2.2.5`).
inline std::string event_base_name(perf_probe_event const& event,
                                   dwarf::probe_location const& loc)
{
    auto const& p = event.point;
    std::string base;
    std::string const function = unescape(p.function);
    bool const plain_function = p.has_function && !p.is_address &&
                                function.find_first_of("*?[") == std::string::npos;
    if (p.naming == event_naming::given)
        base = p.event;
    else if (p.naming == event_naming::from_line)
        base = p.event.empty() ? function + "_L" + std::to_string(p.line) : p.event;
    else if (plain_function)
        base = function;
    else
        base = loc.realname;
    if (!base.empty() && base.front() == '.')
        base.erase(0, 1);
    if (auto const cut = base.find_first_of(".@"); cut != std::string::npos && cut != 0)
        base.resize(cut);
    if (!is_c_identifier(base) && has_cxx_punctuation(base))
        base = identifier_from_cxx(base);
    return base;
}

/// What names exist already (the kernel's events), and whether `_N` suffixes may be added.
struct naming_policy {
    std::vector<std::string> existing; ///< event names (any group) already defined
    bool allow_suffix = true;          ///< perf: `-f`, and always for `-D`
};

/// Names one location of a resolved command. Messages for the user go to `diagnostics`.
inline result<probe_definition> name_location(perf_probe_event const& event,
                                              dwarf::probe_location const& loc,
                                              std::string const& module,
                                              std::string const& default_group,
                                              naming_policy const& policy,
                                              std::vector<std::string>& diagnostics)
{
    auto const& p = event.point;
    auto const fail = [](std::string_view message) {
        return parse_error{error_kind::invalid, 0, 0, "", message, ""};
    };
    std::string const group = p.group.empty() ? default_group : p.group;
    if (group.size() >= 64) {
        diagnostics.push_back("Probe group string='" + group + "' is too long (>= 64 bytes)");
        return fail("the group name is too long");
    }

    std::string base = event_base_name(event, loc);
    std::string name = base + (loc.retprobe ? "__return" : "");
    if (name.size() >= 64) {
        diagnostics.push_back("snprintf() failed: -7; the event name nbase='" + base +
                              "' is too long");
        return fail("the event name is too long");
    }
    auto const taken = [&](std::string const& n) {
        return std::find(policy.existing.begin(), policy.existing.end(), n) !=
               policy.existing.end();
    };
    if (taken(name)) {
        if (!policy.allow_suffix) {
            diagnostics.push_back("Error: event \"" + name + "\" already exists.\n"
                                  " Hint: Remove existing event by 'perf probe -d'\n"
                                  "       or force duplicates by 'perf probe -f'\n"
                                  "       or set 'force=yes' in BPF source.");
            return parse_error{error_kind::conflict, 0, 0, "", "the event exists", ""};
        }
        int i = 1;
        while (i < 1024 && taken(base + "_" + std::to_string(i)))
            ++i;
        if (i == 1024) {
            diagnostics.push_back("Too many events are on the same function.");
            return fail("too many events");
        }
        name = base + "_" + std::to_string(i);
    }
    if (!is_c_identifier(name)) {
        diagnostics.push_back("Internal error: \"" + name + "\" is an invalid event name.");
        return fail("invalid event name");
    }
    return probe_definition{group, name, module, loc};
}

/// Names every location of one resolved command (all or nothing).
inline result<std::vector<probe_definition>> name_definitions(
    perf_probe_event const& event, dwarf::resolution const& found,
    std::string const& default_group, naming_policy const& policy,
    std::vector<std::string>& diagnostics)
{
    std::vector<probe_definition> out;
    for (auto const& loc : found.locations) {
        auto d = name_location(event, loc, found.module, default_group, policy, diagnostics);
        if (!d)
            return d.error();
        out.push_back(std::move(*d));
    }
    return out;
}

/// Converts whole perf-probe commands with a resolver policy. All or nothing: the first
/// failure stops the conversion, as in perf.
template <dwarf::probe_resolver Resolver>
class probe_session {
public:
    probe_session(Resolver& resolver, std::string default_group)
        : resolver_(&resolver), default_group_(std::move(default_group))
    {
    }

    naming_policy& naming() noexcept { return naming_; }

    /// Where the command's probes go (no names yet).
    result<dwarf::resolution> resolve(perf_probe_event const& event)
    {
        auto found = resolver_->resolve(event);
        for (auto const& d : resolver_->diagnostics())
            diagnostics_.push_back(d);
        return found;
    }

    /// Names one location (perf names and writes one probe at a time).
    result<probe_definition> name(perf_probe_event const& event,
                                  dwarf::probe_location const& loc, std::string const& module)
    {
        return name_location(event, loc, module, default_group_, naming_, diagnostics_);
    }

    /// Resolves and names a whole command.
    result<std::vector<probe_definition>> convert(perf_probe_event const& event)
    {
        auto found = resolve(event);
        if (!found)
            return found.error();
        return name_definitions(event, *found, default_group_, naming_, diagnostics_);
    }

    void clear_diagnostics() { diagnostics_.clear(); }

    /// Messages for the user, in the order perf prints them.
    std::vector<std::string> const& diagnostics() const noexcept { return diagnostics_; }

private:
    Resolver* resolver_;
    std::string default_group_;
    naming_policy naming_;
    std::vector<std::string> diagnostics_;
};

} // namespace probekit
