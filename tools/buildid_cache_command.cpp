// `probekit buildid-cache ARGS`: perf buildid-cache's options, with perf's meaning and output.
//
//   -a/--add FILE      cache FILE under its build-id (elf, .build-id link, probes file)
//   -r/--remove FILE   drop FILE's build-id from the cache
//   -l/--list          "<build-id> <path>" for every cached binary
//
// As in perf 6.1, -a and -r take a comma-separated list, and the last one given wins. The
// build-id directory is --buildid-dir DIR, else $PERF_BUILDID_DIR, else $HOME/.debug.
#include "cache_options.hpp"
#include "commands.hpp"

#include <probekit/build_id.hpp>
#include <probekit/cache/build_id_dir.hpp>
#ifdef PROBEKIT_HAS_LIBDW
#include <probekit/cache/sdt_import.hpp>
#endif

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace probekit::cli {

namespace {

int add(build_id_dir const& dir, std::string const& file, int verbose)
{
#ifndef PROBEKIT_HAS_LIBDW
    (void)dir;
    (void)verbose;
    std::cerr << "probekit: error: adding '" << file << "' needs elfutils\n";
    return exit_environment;
#else
    auto const added = dir.add(file.c_str());
    if (!added) {
        std::cerr << "probekit: error: cannot add '" << file << "' to the build-id cache: "
                  << added.error().message;
        if (!added.error().code.empty())
            std::cerr << " [" << added.error().code << ']';
        std::cerr << '\n';
        return exit_environment;
    }
    // perf imports the binary's SDT notes into its probe cache on every --add.
    auto const notes = read_sdt_notes(added->origname.c_str());
    if (!notes) {
        std::cerr << "probekit: warning: cannot read the SDT notes of '" << file
                  << "': " << notes.error().message << '\n';
    } else if (!notes->empty()) {
        probe_cache cache{filesystem_store{added->probes_path()}};
        auto const loaded = cache.load();
        auto imported = loaded ? import_sdt_notes(cache, *notes, added->origname)
                               : result<std::size_t>(loaded.error());
        if (imported)
            if (auto const committed = cache.commit(); !committed)
                imported = committed.error();
        if (!imported)
            std::cerr << "probekit: warning: cache: cannot import the SDT notes of '" << file
                      << "': " << imported.error().message << '\n';
    }
    if (verbose > 0)
        std::cerr << "Adding " << added->build_id << ' ' << file << ": Ok\n";
    return exit_ok;
#endif
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
    std::string_view add_list;
    std::string_view remove_list;
    bool list = false;
    std::string_view buildid_dir;
    int verbose = 0;
    while (!in.done()) {
        std::string_view const a = in.advance();
        std::optional<std::string_view> attached;
        std::optional<std::string_view> value;
        if (in.is('a', "add", true, attached)) {
            if (!(value = in.value(attached)))
                return missing_value(a);
            add_list = *value; // perf keeps the last --add: a comma-separated list
        } else if (in.is('r', "remove", true, attached)) {
            if (!(value = in.value(attached)))
                return missing_value(a);
            remove_list = *value;
        } else if (in.is('l', "list", false, attached)) {
            list = true;
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
    if (add_list.empty() && remove_list.empty() && !list) {
        std::cerr << "\n Usage: probekit buildid-cache [--buildid-dir DIR] [-v] "
                     "[-a FILE[,FILE...]] [-r FILE[,FILE...]] [-l]\n\n";
        return exit_usage; // perf: nothing to do is a usage error
    }
    auto const dir = build_id_dir::from_environment(buildid_dir);
    int status = exit_ok;
    // perf runs the adds, then the removes, then the listing.
    auto const each = [](std::string_view names, auto&& f) {
        while (!names.empty()) {
            std::size_t const comma = names.find(',');
            std::string_view const name = names.substr(0, comma);
            if (!name.empty())
                f(std::string(name));
            names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
        }
    };
    each(add_list, [&](std::string const& file) {
        if (int const rc = add(dir, file, verbose); rc != exit_ok)
            status = rc;
    });
    each(remove_list, [&](std::string const& file) {
        if (int const rc = remove(dir, file, verbose); rc != exit_ok)
            status = rc;
    });
    if (list)
        for (auto const& bin : dir.list())
            std::cout << bin.build_id << ' ' << bin.origname << '\n';
    return status;
}

} // namespace probekit::cli
