// `probekit probe -a/-D`: perf-probe commands to trace commands, as perf 6.1 defines them.
//
//   1. every command is parsed first (perf's option-time parse);
//   2. each is planned: an SDT or `%EVENT` reference from the binary's probe cache or its
//      notes (never DWARF), a command equal to a cached one from the cache (without opening
//      debuginfo), anything else through DWARF; all before any is written;
//   3. the probes are named and written (-a, to uprobe_events unless -n) or printed (-D)
//      one at a time, so a naming error leaves the ones before it;
//   4. with --cache, what -a added goes into the binary's cache (a failure only warns).
#include "commands.hpp"
#include "probe_define.hpp"
#include "perf_wording.hpp"
#include "probe_options.hpp"

#include <probekit/perf_probe.hpp>
#include <probekit/probe_session.hpp>
#include <probekit/tracefs.hpp>

#ifdef PROBEKIT_HAS_LIBDW
#include <probekit/cache/build_id_dir.hpp>
#include <probekit/cache/lookup.hpp>
#include <probekit/cache/record.hpp>
#include <probekit/dwarf/arg_hook.hpp>
#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/libdw_resolver.hpp>
#include <probekit/sdt_lookup.hpp>
#endif

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace probekit::cli {

namespace {

void print_diagnostics(std::vector<std::string> const& lines)
{
    for (auto const& line : lines)
        std::fprintf(stderr, "%s\n", line.c_str());
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
/// The point as perf shows it after "on": `area:3@demo.c`, or `%EVENT` for a reference.
std::string shown_point(perf_probe_event const& event)
{
    if (event.point.is_sdt)
        return "%" + std::string(event.point.event);
    perf_probe_event point_only;
    point_only.point = event.point;
    point_only.point.naming = event_naming::none;
    return synthesize_perf_probe(point_only, "");
}

/// One event written (or, with -n, that would have been), for perf's report.
struct added_event {
    std::string group;
    std::string event;
    std::size_t command = 0; ///< index of the perf-probe command it came from
};

/// "  grp:ev             (on SPEC in MODULE with ARGS)", as perf shows an added event.
void show_added(added_event const& a, perf_probe_event const& event, std::string const& module)
{
    std::string const line = "  " + a.group + ":" + a.event;
    std::fprintf(stderr, "%-22s (on %s in %s", line.c_str(), shown_point(event).c_str(),
                 module.c_str());
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
                  std::vector<added_event> const& added, std::string const& module)
{
    std::fprintf(stderr, "Added new event%s\n", added.size() > 1 ? "s:" : ":");
    std::string last, group;
    for (auto const& a : added) {
        if (a.event == last)
            continue;
        last = a.event, group = a.group;
        show_added(a, events[a.command], module);
    }
    if (!last.empty())
        std::fprintf(stderr,
                     "\nYou can now use it in all perf tools, such as:\n\n"
                     "\tperf record -e %s:%s -aR sleep 1\n\n",
                     group.c_str(), last.c_str());
}

/// A trace command as the cache or the notes give it, written out as it is: perf prints a
/// cached line the kernel would refuse (`x=@sym+0` on a uprobe) for -D just the same.
struct stored_line {
    std::string text;
    tracefs_event head; ///< its kind, group and event
};

/// One command's trace commands before they are written: resolved through DWARF, or
/// taken as stored from the probe cache or the binary's SDT notes.
struct planned_command {
    std::optional<dwarf::resolution> found; ///< DWARF; else `stored`
    std::vector<stored_line> stored;
};

/// The opened debuginfo and its resolver, made only when a command needs DWARF: a cached
/// or SDT probe is defined without reading debuginfo (the point of the cache).
class dwarf_session {
public:
    explicit dwarf_session(std::string module) : module_(std::move(module)) {}

    /// nullptr (after perf's message) when the binary's debuginfo cannot be opened.
    probe_session<dwarf::libdw_resolver>* get()
    {
        if (session_)
            return &*session_;
        auto info = dwarf::debuginfo::open(module_);
        if (!info) {
            std::fprintf(stderr, "Failed to open %s\n", module_.c_str());
            return nullptr;
        }
        info_.emplace(std::move(*info));
        resolver_.emplace(*info_, module_);
        hook_.emplace(*info_, true); // plan_command calls complete()
        resolver_->set_arg_hook(*hook_);
        session_.emplace(*resolver_, default_group_for_target(module_));
        return &*session_;
    }

    dwarf::libdw_arg_hook& hook() { return *hook_; }

    /// The session if a command needed DWARF, else nullptr.
    probe_session<dwarf::libdw_resolver>* get_if_open()
    {
        return session_ ? &*session_ : nullptr;
    }

private:
    std::string module_;
    std::optional<dwarf::debuginfo> info_;
    std::optional<dwarf::libdw_resolver> resolver_;
    std::optional<dwarf::libdw_arg_hook> hook_;
    std::optional<probe_session<dwarf::libdw_resolver>> session_;
};

/// Splits stored trace commands into their names; nullopt (with a warning) for a line that
/// is no trace command at all.
std::optional<std::vector<stored_line>> split_stored(std::vector<std::string> lines)
{
    std::vector<stored_line> out;
    for (auto& line : lines) {
        stored_line stored;
        if (!split_tracefs_line(line, stored.head)) {
            std::fprintf(stderr, "probekit: warning: cache: not a trace command: '%s'\n",
                         line.c_str());
            return std::nullopt;
        }
        stored.text = std::move(line);
        out.push_back(std::move(stored));
    }
    return out;
}

/// Where one command's probes go: an SDT or cached-event reference from the cache or the
/// notes (never DWARF, as in perf), an equal cached command, else DWARF.
std::optional<planned_command> plan_command(perf_probe_event const& event,
                                            std::string const& module,
                                            build_id_dir const& dir,
                                            cached_commands const& cached, dwarf_session& dwarf)
{
    planned_command plan;
    if (event.point.is_sdt) {
        auto found = find_sdt_events(module, event.point.group, event.point.event, &dir);
        if (!found) {
            std::fprintf(stderr, "probekit: error: %s: %s\n", module.c_str(),
                         found.error().message.data());
            return std::nullopt;
        }
        if (found->empty())
            return std::nullopt; // perf says no more than "Failed to add events"
        std::vector<std::string> lines;
        for (auto const& ev : *found)
            synthesize_trace_probe(ev, lines.emplace_back());
        if (auto stored = split_stored(std::move(lines))) {
            plan.stored = std::move(*stored);
            return plan;
        }
        return std::nullopt;
    }

    std::string const spec = synthesize_perf_probe(event, default_group_for_target(module));
    if (auto lines = cached.find(spec))
        if (auto stored = split_stored(std::move(*lines))) {
            plan.stored = std::move(*stored);
            return plan;
        }

    auto* session = dwarf.get();
    if (session == nullptr)
        return std::nullopt;
    session->clear_diagnostics();
    auto r = session->resolve(event);
    std::vector<std::string> fill_messages;
    if (!r || !dwarf.hook().complete(*r, event, fill_messages)) {
        print_diagnostics(session->diagnostics());
        print_diagnostics(fill_messages);
        return std::nullopt;
    }
    plan.found = std::move(*r);
    return plan;
}

/// Names a stored trace command as perf names a cached one: its own name, with a `_N`
/// suffix when that is taken and suffixes are allowed.
bool name_stored(stored_line& line, naming_policy const& naming)
{
    auto const taken = [&](std::string const& n) {
        return std::find(naming.existing.begin(), naming.existing.end(), n) !=
               naming.existing.end();
    };
    std::string const base = line.head.event;
    if (!taken(base))
        return true;
    if (!naming.allow_suffix) {
        std::fprintf(stderr,
                     "Error: event \"%s\" already exists.\n"
                     " Hint: Remove existing event by 'perf probe -d'\n"
                     "       or force duplicates by 'perf probe -f'\n"
                     "       or set 'force=yes' in BPF source.\n",
                     base.c_str());
        return false;
    }
    for (int i = 1; i < 1024; ++i)
        if (std::string n = base + "_" + std::to_string(i); !taken(n)) {
            // "p:GROUP/EVENT rest" -> "p:GROUP/EVENT_N rest"
            auto const name_end = line.text.find(' ');
            line.text.replace(0, name_end, line.text.substr(0, 2) + line.head.group + "/" + n);
            line.head.event = n;
            return true;
        }
    std::fputs("Too many events are on the same function.\n", stderr);
    return false;
}

/// What an -a writes, also kept for --cache: one trace command per line.
struct emitted_command {
    std::vector<std::string> lines;
};

/// perf names, then writes (or, for -D, prints) one probe at a time, so a naming error
/// leaves the probes before it in place.
class emitter {
public:
    emitter(probe_options const& o, bool define, std::vector<std::string> existing)
        : o_(o), define_(define)
    {
        naming_.existing = std::move(existing);
        naming_.allow_suffix = define || o.force;
    }

    /// Writes `line` for event `group:event` of command `index`; false on failure.
    bool emit(std::string const& line, std::string group, std::string event, std::size_t index,
              emitted_command& out)
    {
        if (define_) {
            std::printf("%s\n", line.c_str());
            return true;
        }
        if (!o_.dry_run && !sink_.add(line)) {
            std::fprintf(stderr, "Failed to write event: %s\n",
                         std::strerror(sink_.errno_value()));
            return false;
        }
        out.lines.push_back(line);
        added_.push_back({std::move(group), std::move(event), index});
        return true;
    }

    naming_policy& naming() { return naming_; }
    std::vector<added_event> const& added() const { return added_; }

private:
    probe_options const& o_;
    bool define_;
    naming_policy naming_;
    tracefs_uprobes sink_;
    std::vector<added_event> added_;
};

bool emit_planned(emitter& out, planned_command& plan, perf_probe_event const& event,
                  std::size_t index, probe_session<dwarf::libdw_resolver>* session,
                  emitted_command& emitted)
{
    if (!plan.found) {
        for (auto& line : plan.stored) {
            if (!name_stored(line, out.naming()))
                return false;
            if (!out.emit(line.text, line.head.group, line.head.event, index, emitted))
                return false;
        }
        return true;
    }
    for (auto const& loc : plan.found->locations) {
        session->clear_diagnostics();
        auto d = session->name(event, loc, plan.found->module);
        if (!d) {
            print_diagnostics(session->diagnostics());
            return false;
        }
        if (!out.emit(synthesize_definition(*d), d->group, d->event, index, emitted))
            return false;
    }
    return true;
}

/// `--cache`: the commands just added, with their trace commands, into the target's
/// cache (an SDT reference is already there). Like perf, a failure here only warns.
void record_added(build_id_dir const& dir, std::string const& module,
                  std::vector<perf_probe_event> const& events,
                  std::vector<emitted_command> const& emitted)
{
    std::vector<cache_record> records;
    for (std::size_t i = 0; i < events.size(); ++i)
        if (!events[i].point.is_sdt && !emitted[i].lines.empty())
            records.push_back({synthesize_perf_probe(events[i], default_group_for_target(module)),
                               emitted[i].lines});
    if (records.empty())
        return;
    if (auto const r = record_in_cache(dir, module.c_str(), records); !r)
        std::fprintf(stderr, "Failed to add event to probe cache: %s\n",
                     r.error().message.data());
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
    std::string const& module = o.target; // made absolute with the options
    auto const dir = build_id_dir::from_environment();

    std::vector<std::string> existing;
    if (!define) {
        tracefs_uprobes sink;
        if (auto current = sink.list())
            for (auto const& ev : *current)
                existing.push_back(ev.event);
    }
    dwarf_session dwarf(module);
    cached_commands const cached(dir, module.c_str());

    // perf resolves every command before it names or writes any.
    std::vector<planned_command> plans;
    for (auto const& event : *events) {
        auto plan = plan_command(event, module, dir, cached, dwarf);
        if (!plan) {
            std::fputs("  Error: Failed to add events.\n", stderr);
            return exit_bad_input;
        }
        plans.push_back(std::move(*plan));
    }
    auto* session = dwarf.get_if_open();
    if (o.verbose && session)
        print_diagnostics(session->diagnostics());

    emitter out(o, define, std::move(existing));
    if (session)
        session->naming() = out.naming(); // one naming policy for DWARF and stored lines
    std::vector<emitted_command> emitted(events->size());
    for (std::size_t i = 0; i < events->size(); ++i)
        if (!emit_planned(out, plans[i], (*events)[i], i, session, emitted[i])) {
            std::fputs("  Error: Failed to add events.\n", stderr);
            return exit_bad_input;
        }
    if (define)
        return exit_ok;
    if (!o.quiet)
        report_added(*events, out.added(), module);
    if (o.cache)
        record_added(dir, module, *events, emitted);
    return exit_ok;
}
#else
int add_or_define(probe_options const&, bool)
{
    std::fputs("probekit: error: this build has no DWARF support (elfutils)\n", stderr);
    return exit_environment;
}
#endif

} // namespace

int define_probes(probe_options const& o, bool define)
{
    return add_or_define(o, define);
}

} // namespace probekit::cli
