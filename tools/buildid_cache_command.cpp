// `probekit buildid-cache ARGS`: perf buildid-cache's options, with perf's meaning and output.
//
//   -a/--add FILE      cache FILE under its build-id (elf, .build-id link, probes file)
//   -r/--remove FILE   drop FILE's build-id from the cache
//   -l/--list          "<build-id> <path>" for every cached binary
//
// Options may repeat and run in the order given, as perf runs them. The build-id
// directory is --buildid-dir DIR, else $PERF_BUILDID_DIR, else $HOME/.debug.
#include "cache_options.hpp"
#include "commands.hpp"

#include <probekit/build_id.hpp>
#include <probekit/cache/build_id_dir.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace probekit::cli {

namespace {

enum class action { add, remove, list };

struct step {
    action what;
    std::string file;
};

int add(build_id_dir const& dir, std::string const& file, int verbose)
{
    auto const added = dir.add(file.c_str());
    if (!added) {
        std::cerr << "probekit: error: cannot add '" << file << "' to the build-id cache: "
                  << added.error().message;
        if (!added.error().code.empty())
            std::cerr << " [" << added.error().code << ']';
        std::cerr << '\n';
        return exit_environment;
    }
    // LIMITATION(L-041): SDT notes are not imported into the new probes file yet (issue 7);
    // perf 6.1 adds a `%sdt_PROVIDER:NAME=NAME` entry per note here.
    if (verbose > 0)
        std::cerr << "Adding " << added->build_id << ' ' << file << ": Ok\n";
    return exit_ok;
}

int remove(build_id_dir const& dir, std::string const& file, int verbose)
{
#ifdef PROBEKIT_HAS_LIBDW
    auto const id = read_build_id(file.c_str());
    if (!id) {
        std::cerr << "probekit: error: cannot read the build-id of '" << file
                  << "': " << id.error().message << '\n';
        return exit_environment;
    }
    std::string const hex = id->hex();
    auto const removed = dir.remove(hex);
    if (!removed) {
        std::cerr << "probekit: error: cannot remove '" << file << "' from the build-id cache: "
                  << removed.error().message << '\n';
        return exit_environment;
    }
    // perf says nothing (and succeeds) when the file was not cached.
    if (verbose > 0)
        std::cerr << "Removing " << hex << ' ' << file << ": " << (*removed ? "Ok" : "FAIL")
                  << '\n';
    return exit_ok;
#else
    (void)dir;
    (void)file;
    (void)verbose;
    std::cerr << "probekit: error: reading build-ids needs elfutils\n";
    return exit_environment;
#endif
}

int missing_value(std::string_view option)
{
    std::cerr << "probekit: error: buildid-cache: '" << option << "' needs a value\n";
    return exit_bad_input;
}

} // namespace

int run_buildid_cache(arguments args)
{
    option_reader in(args);
    std::vector<step> steps;
    std::string_view buildid_dir;
    int verbose = 0;
    while (!in.done()) {
        std::string_view const a = in.advance();
        std::optional<std::string_view> attached;
        std::optional<std::string_view> value;
        if (in.is('a', "add", true, attached)) {
            if (!(value = in.value(attached)))
                return missing_value(a);
            steps.push_back({action::add, std::string(*value)});
        } else if (in.is('r', "remove", true, attached)) {
            if (!(value = in.value(attached)))
                return missing_value(a);
            steps.push_back({action::remove, std::string(*value)});
        } else if (in.is('l', "list", false, attached)) {
            steps.push_back({action::list, {}});
        } else if (in.is('v', "verbose", false, attached)) {
            ++verbose;
        } else if (in.is(0, "buildid-dir", true, attached)) {
            if (!(value = in.value(attached)))
                return missing_value(a);
            buildid_dir = *value;
        } else {
            std::cerr << "probekit: error: buildid-cache: '" << a
                      << "' is not supported (supported: --add, --remove, --list)\n";
            return exit_bad_input;
        }
    }
    auto const dir = build_id_dir::from_environment(buildid_dir);
    int status = exit_ok;
    // perf runs the adds, then the removes, then the listing.
    for (action const what : {action::add, action::remove, action::list}) {
        for (auto const& s : steps) {
            if (s.what != what)
                continue;
            int rc = exit_ok;
            if (what == action::add)
                rc = add(dir, s.file, verbose);
            else if (what == action::remove)
                rc = remove(dir, s.file, verbose);
            else
                for (auto const& bin : dir.list())
                    std::cout << bin.build_id << ' ' << bin.origname << '\n';
            if (rc != exit_ok)
                status = rc;
            if (what == action::list)
                break;
        }
    }
    return status;
}

} // namespace probekit::cli
