// `probekit probe --cache -l [FILTER]` and `probekit probe --cache [-n] -d FILTER`: list and
// delete cached events in every cached binary, with perf 6.1's output:
//
//   /opt/demo/app0 (f1f9d9d624d472f063856d6f7bc7714426ff4ec7):
//   probe_app0:myev=area w                       (stdout; one line per matching entry)
//   Removed cached event: probe_app0:myev=area w (stderr, for -d)
//
// Differences from perf 6.1 (perf-6.1-faults.md): PERF_BUILDID_DIR is honoured (F0); a
// malformed entry is reported with its line and the rest of its cache still listed (F3);
// `-n` makes `-d` a dry run, and a delete that matches nothing says so (F10).
#include "cache_options.hpp"
#include "commands.hpp"

#include <probekit/cache.hpp>
#include <probekit/cache/build_id_dir.hpp>
#include <probekit/strfilter.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace probekit::cli {

namespace {

/// Malformed entries always; suspect trace lines (which perf wrote) with -v.
void report_diagnostics(probe_cache const& cache, std::string const& path, int verbose)
{
    for (auto const& d : cache.diagnostics()) {
        if (!d.malformed && verbose == 0)
            continue;
        std::cerr << "probekit: " << (d.malformed ? "warning" : "info") << ": cache: " << path
                  << ':' << d.line << ':' << d.column + 1 << ": " << d.message
                  << (d.malformed ? "; the entry is kept as it is but not used" : "")
                  << "\n  " << d.text << '\n';
    }
}

} // namespace

int run_probe_cache(arguments args)
{
    option_reader in(args);
    std::optional<std::string_view> list_filter;
    std::optional<std::string_view> delete_filter;
    bool list = false;
    bool dry_run = false;
    int verbose = 0;
    while (!in.done()) {
        std::string_view const a = in.advance();
        std::optional<std::string_view> attached;
        if (a == "--cache" || a == "-q" || a == "--quiet" || a == "-f" || a == "--force")
            continue;
        if (in.is('n', "dry-run", false, attached)) {
            dry_run = true;
        } else if (in.is('v', "verbose", false, attached)) {
            ++verbose;
        } else if (in.is('l', "list", true, attached)) {
            list = true;
            list_filter = in.optional_value(attached);
        } else if (in.is('d', "del", true, attached)) {
            delete_filter = in.value(attached);
            if (!delete_filter) {
                std::cerr << "probekit: error: '" << a << "' needs a filter\n";
                return exit_bad_input;
            }
        } else if (in.is('x', "exec", true, attached)) {
            // perf 6.1 takes -x here and still lists or deletes in every cached binary
            if (!in.value(attached)) {
                std::cerr << "probekit: error: '" << a << "' needs a path\n";
                return exit_bad_input;
            }
        } else {
            std::cerr << "probekit: error: '" << a
                      << "' cannot be combined with --cache -l/-d\n";
            return exit_bad_input;
        }
    }
    if (list == delete_filter.has_value()) {
        std::cerr << "probekit: error: give one of -l [FILTER] or -d FILTER with --cache\n";
        return exit_bad_input;
    }

    std::string_view const filter_text = list ? list_filter.value_or("*") : *delete_filter;
    auto const filter = parse_strfilter(filter_text);
    if (!filter) {
        std::string_view const why = filter.error().message;
        std::cerr << "probekit: error: bad filter: "
                  << (why.empty() ? std::string_view("it ends too early") : why) << " (expected "
                  << filter.error().expected << ")\n  " << filter_text << '\n'
                  << std::string(filter.error().offset + 2, ' ') << "^\n";
        return exit_bad_input;
    }

    // `probekit --buildid-dir DIR probe ...` arrives here as PERF_BUILDID_DIR (main.cpp).
    auto const dir = build_id_dir::from_environment();
    int status = exit_ok;
    std::size_t removed = 0;
    for (auto const& bin : dir.list()) {
        std::string const path = bin.probes_path();
        probe_cache cache{filesystem_store{path}};
        if (auto const loaded = cache.load(); !loaded) {
            std::cerr << "probekit: warning: cache: cannot read '" << path << "': "
                      << loaded.error().message << " [" << loaded.error().code << "]\n";
            continue;
        }
        report_diagnostics(cache, path, verbose);

        if (list) {
            if (cache.empty())
                continue;
            std::cout << bin.origname << " (" << bin.build_id << "):\n";
            for (auto const& e : cache.entries())
                if (probe_cache::selects(*filter, e))
                    std::cout << e.spec << '\n';
            continue;
        }

        auto const count = cache.remove(*filter, [&](cache_entry const& e) {
            std::cerr << (dry_run ? "Would remove cached event: " : "Removed cached event: ")
                      << e.spec << '\n';
        });
        if (!count) {
            std::cerr << "probekit: error: cache: " << count.error().message << '\n';
            status = exit_environment;
            continue;
        }
        removed += *count;
        if (dry_run || *count == 0)
            continue;
        if (auto const committed = cache.commit(); !committed) {
            std::cerr << "probekit: error: cache: cannot write '" << path
                      << "': " << committed.error().message << " [" << committed.error().code
                      << "]\n";
            status = exit_environment;
        }
    }
    if (!list && removed == 0)
        std::cerr << "probekit: info: no cached event matches '" << filter_text << "'\n";
    if (verbose > 0)
        std::cerr << "probekit: info: build-id directory '" << dir.root() << "'\n";
    std::cout.flush();
    return status;
}

} // namespace probekit::cli
