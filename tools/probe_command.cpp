// `probekit probe ARGS`: perf probe's options, with perf's meaning and output.
//
//   -x BIN -D SPEC...    print the trace commands (nothing is written anywhere: F0)
//   -x BIN -a SPEC...    write them to uprobe_events (-n: dry run; --cache: keep them)
//   -d FILTER / -l [FILTER]   delete / list the kernel's uprobes
//   -x BIN -F [FILTER] / -L RANGE / -V POINT   functions / lines / variables
//   --cache -l / --cache -d   the probe cache (see probe_cache_command.cpp)
#include "commands.hpp"
#include "probe_listing.hpp"
#include "probe_options.hpp"

#include <probekit/perf_probe.hpp>
#include <probekit/probe_session.hpp>
#include <probekit/strfilter.hpp>
#include <probekit/tracefs.hpp>

#ifdef PROBEKIT_HAS_LIBDW
#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/arg_hook.hpp>
#include <probekit/dwarf/libdw_resolver.hpp>
#endif

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace probekit::cli {

namespace {

// perf's exit status for a usage error; only zero/non-zero matters to scripts.
constexpr int exit_usage = 129;

void print_diagnostics(std::vector<std::string> const& lines)
{
    for (auto const& line : lines)
        std::fprintf(stderr, "%s\n", line.c_str());
}

/// realpath(-x), with perf's message when it fails.
std::optional<std::string> absolute_target(std::string const& target)
{
    char buffer[PATH_MAX];
    if (!realpath(target.c_str(), buffer)) {
        std::fprintf(stderr, "Failed to get the absolute path of %s: %s\n", target.c_str(),
                     std::strerror(errno));
        print_probe_usage();
        return std::nullopt;
    }
    return std::string(buffer);
}

/// perf's wording of a parse error, where scripts look for it (`Semantic error :...`).
std::string perf_wording(parse_error const& e, std::string_view spec)
{
    std::string_view const m = e.message;
    if (m.find("non-digit character in the line number") != m.npos)
        return "There is non-digit char in line number.";
    if (m.find("return probe cannot read local variables") != m.npos)
        return "You can't specify local variable for kretprobe.";
    if (m.find("cannot be used with %return") != m.npos)
        return "Offset/Line/Lazy pattern can't be used with return probe.";
    if (m.find("C symbol-naming rule") != m.npos && e.offset < spec.size()) {
        // The whole name around the offending character: "bad-name" in "bad-name=area".
        auto const before = spec.substr(0, e.offset).find_last_of(":=");
        auto name = spec.substr(before == spec.npos ? 0 : before + 1);
        name = name.substr(0, name.find_first_of("=: "));
        return std::string(name) + " is bad for event name -it must follow C symbol-naming rule.";
    }
    return std::string(m);
}

/// Parses every SPEC first, as perf does at option time.
std::optional<std::vector<perf_probe_event>> parse_specs(std::vector<std::string> const& specs)
{
    std::vector<perf_probe_event> events;
    for (auto const& spec : specs) {
        auto event = parse_perf_probe(spec);
        if (!event) {
            std::fprintf(stderr, "Semantic error :%s\n",
                         perf_wording(event.error(), spec).c_str());
            print_probe_usage();
            return std::nullopt;
        }
        events.push_back(std::move(*event));
    }
    return events;
}

#ifdef PROBEKIT_HAS_LIBDW
/// "  grp:ev             (on SPEC in MODULE with ARGS)", as perf shows an added event.
void show_added(probe_definition const& d, perf_probe_event const& event)
{
    perf_probe_event point_only;
    point_only.point = event.point;
    point_only.point.naming = event_naming::none;
    std::string point = synthesize_perf_probe(point_only, "");
    std::string line = "  " + d.group + ":" + d.event;
    std::fprintf(stderr, "%-22s (on %s in %s", line.c_str(), point.c_str(), d.module.c_str());
    if (!event.args.empty()) {
        std::fputs(" with", stderr);
        for (auto const& arg : event.args) {
            perf_probe_event one;
            one.point.has_function = true;
            one.point.function = "f";
            one.args.push_back(arg);
            std::string const text = synthesize_perf_probe(one, "");
            std::fprintf(stderr, " %s", text.substr(text.find(' ') + 1).c_str());
        }
    }
    std::fputs(")\n", stderr);
}

/// perf's report after -a: one line per event name, then how to use the last one.
void report_added(std::vector<perf_probe_event> const& events,
                  std::vector<std::pair<probe_definition, std::size_t>> const& added)
{
    std::fprintf(stderr, "Added new event%s\n", added.size() > 1 ? "s:" : ":");
    std::string last, group;
    for (auto const& [d, index] : added) {
        if (d.event == last)
            continue;
        last = d.event, group = d.group;
        show_added(d, events[index]);
    }
    if (!last.empty())
        std::fprintf(stderr,
                     "\nYou can now use it in all perf tools, such as:\n\n"
                     "\tperf record -e %s:%s -aR sleep 1\n\n",
                     group.c_str(), last.c_str());
}

/// perf names, then writes (or, for -D, prints) one probe at a time, so a naming error
/// leaves the probes before it in place.
int emit_definitions(probe_options const& o, bool define,
                     probe_session<dwarf::libdw_resolver>& session,
                     std::vector<perf_probe_event> const& events,
                     std::vector<dwarf::resolution> const& found)
{
    tracefs_uprobes sink;
    std::vector<std::pair<probe_definition, std::size_t>> added;
    for (std::size_t i = 0; i < events.size(); ++i) {
        for (auto const& loc : found[i].locations) {
            session.clear_diagnostics();
            auto d = session.name(events[i], loc, found[i].module);
            if (!d) {
                print_diagnostics(session.diagnostics());
                std::fputs("  Error: Failed to add events.\n", stderr);
                return exit_bad_input;
            }
            std::string const line = synthesize_definition(*d);
            if (define) {
                std::printf("%s\n", line.c_str());
                continue;
            }
            if (!o.dry_run && !sink.add(line)) {
                std::fprintf(stderr, "Failed to write event: %s\n",
                             std::strerror(sink.errno_value()));
                std::fputs("  Error: Failed to add events.\n", stderr);
                return exit_environment;
            }
            added.emplace_back(std::move(*d), i);
        }
    }
    if (!define && !o.quiet)
        report_added(events, added);
    return exit_ok;
}

int add_or_define(probe_options const& o, bool define)
{
    auto const& specs = define ? o.defines : o.adds;
    auto events = parse_specs(specs);
    if (!events)
        return exit_usage;
    if (o.target.empty()) {
        std::fputs("probekit: error: kernel probes need a vmlinux with debug information; "
                   "give a user-space target with -x\n  Error: Failed to add events.\n",
                   stderr);
        return exit_environment;
    }
    auto const module = absolute_target(o.target);
    if (!module)
        return exit_usage;
    auto info = dwarf::debuginfo::open(*module);
    if (!info) {
        std::fprintf(stderr, "Failed to open %s\n  Error: Failed to add events.\n",
                     module->c_str());
        return exit_environment;
    }
    dwarf::libdw_resolver resolver(*info, *module);
    dwarf::libdw_arg_hook hook(*info);
    resolver.set_arg_hook(hook);
    probe_session session(resolver, default_group_for_target(*module));
    session.naming().allow_suffix = define || o.force;
    if (!define) {
        tracefs_uprobes sink;
        if (auto current = sink.list())
            for (auto const& ev : *current)
                session.naming().existing.push_back(ev.event);
    }

    // perf resolves every command before it names or writes any.
    std::vector<dwarf::resolution> found;
    for (auto const& event : *events) {
        auto r = session.resolve(event);
        std::vector<std::string> fill_messages;
        if (!r || !hook.complete(*r, event, fill_messages)) {
            print_diagnostics(session.diagnostics());
            print_diagnostics(fill_messages);
            std::fputs("  Error: Failed to add events.\n", stderr);
            return exit_bad_input;
        }
        found.push_back(std::move(*r));
    }
    if (o.verbose)
        print_diagnostics(session.diagnostics());
    return emit_definitions(o, define, session, *events, found);
}
#else
int add_or_define(probe_options const&, bool)
{
    std::fputs("probekit: error: this build has no DWARF support (elfutils)\n", stderr);
    return exit_environment;
}
#endif

} // namespace

int run_probe(arguments args)
{
    auto const parsed = parse_probe_options(args);
    if (!parsed)
        return exit_usage;
    auto const& o = *parsed;
    if (!o.vmlinux.empty()) {
        std::fputs("probekit: error: kernel probes are not supported (no vmlinux with "
                   "debug information on this machine)\n",
                   stderr);
        return exit_environment;
    }
    if (o.cache && (o.list || !o.deletes.empty()))
        return run_probe_cache(args);
    if (o.list)
        return list_events(*o.list);
    if (!o.deletes.empty())
        return delete_events(o.deletes, o.quiet);
    if (o.funcs)
        return show_functions(o.target, *o.funcs);
    if (o.line)
        return show_lines(o.target, *o.line, o.source);
    if (o.vars)
        return show_variables(o.target, *o.vars, o.externs, o.range);
    if (!o.defines.empty())
        return add_or_define(o, true);
    if (!o.adds.empty())
        return add_or_define(o, false);
    print_probe_usage();
    return exit_usage;
}

} // namespace probekit::cli
