// `probekit probe ARGS`: perf probe's options, with perf's meaning and output.
//
//   -x BIN -D SPEC...    print the trace commands (nothing is written anywhere: F0)
//   -x BIN -a SPEC...    write them to uprobe_events (-n: dry run; --cache: keep them)
//   -d FILTER / -l [FILTER]   delete / list the kernel's uprobes
//   -x BIN -F [FILTER] / -L RANGE / -V POINT   functions / lines / variables
//   --cache -l / --cache -d   the probe cache (see probe_cache_command.cpp)
#include "commands.hpp"
#include "probe_define.hpp"
#include "probe_listing.hpp"
#include "probe_options.hpp"

#include <cstdio>

namespace probekit::cli {

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
        return define_probes(o, true);
    if (!o.adds.empty())
        return define_probes(o, false);
    print_probe_usage();
    return exit_usage;
}

} // namespace probekit::cli
