// `probekit probe --cache` and the cache lookups of `-D`, against the real perf 6.1 on the
// fixture of tests/data/cli: the same commands give the same build-id cache tree, the same
// `probes` bytes and the same `--cache -l`; where perf 6.1 is wrong (F1, F2 in
// perf-6.1-faults.md) probekit's right answer is pinned, compared with what perf answers
// from a fresh cache. Each side runs in a HOME of its own. Without perf every case says so
// and passes.
#include "support/cli.hpp"

#define BOOST_TEST_MODULE probe_cli_cache
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace probekit::test;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_CLI_FIXTURE_DIR) + "/" + name;
}

std::string const binary = fixture("cli-O0");
std::string const x = " -x " + quote(binary) + " ";

/// `probe --cache -n --add C...` for each of `commands`, in one invocation.
std::string cache_add(std::vector<std::string> const& commands)
{
    std::string args = "probe --cache -n" + x;
    for (auto const& c : commands)
        args += "--add " + quote(c) + " ";
    return args;
}

/// Two HOMEs, one per side.
struct sides {
    scratch_dir dir{"probekit-cli-cache"};
    fs::path perf_home = dir.path / "perf";
    fs::path our_home = dir.path / "probekit";

    sides()
    {
        fs::create_directories(perf_home);
        fs::create_directories(our_home);
    }

    /// Runs `args` on both sides; both must agree on success.
    std::pair<run_result, run_result> both(std::string const& args) const
    {
        auto theirs = run_perf(perf_home, args);
        auto ours = run_probekit(our_home, args);
        BOOST_TEST((theirs.status == 0) == (ours.status == 0),
                   args << ": perf exited " << theirs.status << ", probekit " << ours.status
                        << "\n  perf: " << theirs.err << "\n  probekit: " << ours.err);
        return {std::move(theirs), std::move(ours)};
    }

    /// The two build-id caches hold the same files, links and `probes` bytes.
    void same_cache(std::string const& step) const
    {
        auto const theirs = cache_tree(perf_home / ".debug");
        BOOST_TEST_REQUIRE(!theirs.empty(), step << ": perf wrote no cache");
        BOOST_TEST(cache_tree(our_home / ".debug") == theirs, step);
        auto const their_probes = probes_files(perf_home / ".debug");
        auto const our_probes = probes_files(our_home / ".debug");
        BOOST_TEST_REQUIRE(our_probes.size() == their_probes.size(), step);
        for (std::size_t i = 0; i < our_probes.size(); ++i) {
            BOOST_TEST(our_probes[i].first == their_probes[i].first, step);
            BOOST_TEST(our_probes[i].second == their_probes[i].second,
                       step << ": " << our_probes[i].first);
        }
    }
};

/// What perf prints for `-D SPEC` in a cache of its own that is empty.
run_result perf_fresh_define(std::string const& spec)
{
    scratch_dir home("probekit-cli-fresh");
    return run_perf(home.path, "probe" + x + "-D " + quote(spec));
}

#define SKIP_WITHOUT_PERF()                                                                   \
    if (!perf_usable()) {                                                                     \
        BOOST_TEST_MESSAGE("skipped: perf is not installed");                                \
        return;                                                                               \
    }

} // namespace

BOOST_AUTO_TEST_SUITE(probe_cli_cache)

BOOST_AUTO_TEST_CASE(added_commands_make_the_cache_tree_probes_bytes_and_listing_of_perf)
{
    SKIP_WITHOUT_PERF();
    sides s;
    // a line probe with two addresses, a return probe, a named one with fields, @SRC
    s.both(cache_add({"step:2 w", "step%return $retval", "grp:ev=step p->x p->y w"}));
    s.same_cache("first --add");
    s.both(cache_add({"helper@cli_fixture_util.c v", "check_flags f"}));
    s.same_cache("second --add");

    auto const probes = read_text(the_probes_file(s.our_home / ".debug"));
    BOOST_TEST(probes.find("#probe_cli:step_L2=step:2 w\n") != std::string::npos, probes);
    BOOST_TEST(probes.find("#grp:ev=step x=p->x y=p->y w\np:grp/ev ") != std::string::npos, probes);
    BOOST_TEST(probes.find("r:probe_cli/step__return ") != std::string::npos, probes);

    for (char const* filter : {"", " 'grp:*'", " '*step*'", " 'nomatch'"}) {
        auto const [theirs, ours] = s.both(std::string("probe --cache -l") + filter);
        BOOST_TEST(ours.out == theirs.out, "--cache -l" << filter);
    }
    auto const [theirs, ours] = s.both("probe --cache -l");
    BOOST_TEST(ours.out.find(binary + " (") == 0u, ours.out);
    BOOST_TEST(lines_of(ours.out).size() == 6u, ours.out); // the binary and five entries
}

BOOST_AUTO_TEST_CASE(f1_a_cached_line_probe_does_not_answer_for_another_argument_list)
{
    SKIP_WITHOUT_PERF();
    sides s;
    s.both(cache_add({"step:2 w", "myev=step w"}));

    // perf 6.1 finds `probe_cli:step_L2` by name and prints the cached `w` only
    for (std::string const spec : {"step:2 w a p->x", "myev=step w p->y"}) {
        auto const fresh = perf_fresh_define(spec);
        BOOST_TEST_REQUIRE(fresh.status == 0, fresh.err);
        auto const ours = run_probekit(s.our_home, "probe" + x + "-D " + quote(spec));
        BOOST_TEST(ours.status == 0, ours.err);
        BOOST_TEST(ours.out == fresh.out, spec);
        auto const cached = run_perf(s.perf_home, "probe" + x + "-D " + quote(spec));
        BOOST_TEST_MESSAGE("perf 6.1 with the cache (F1): " << cached.out);
    }
    auto const ours = run_probekit(s.our_home, "probe" + x + "-D 'step:2 w a p->x'");
    BOOST_TEST(lines_of(ours.out).size() == 2u, ours.out);
    for (auto const& line : lines_of(ours.out)) {
        auto const w = line.find(" w="), a = line.find(" a="), x = line.find(" x=");
        BOOST_TEST((w != line.npos && a > w && a != line.npos && x > a && x != line.npos), line);
    }
}

BOOST_AUTO_TEST_CASE(f2_re_adding_a_cached_command_keeps_its_trace_lines)
{
    SKIP_WITHOUT_PERF();
    sides s;
    // perf's own tree after one add is what probekit must still have after two
    run_perf(s.perf_home, cache_add({"step:2 w"}));
    BOOST_TEST_REQUIRE(run_probekit(s.our_home, cache_add({"step:2 w"})).status == 0);
    std::string const once = read_text(the_probes_file(s.our_home / ".debug"));
    BOOST_TEST_REQUIRE(run_probekit(s.our_home, cache_add({"step:2 w"})).status == 0);
    s.same_cache("added twice (perf: once)");
    BOOST_TEST(read_text(the_probes_file(s.our_home / ".debug")) == once);
    BOOST_TEST(lines_of(once).size() == 3u, once); // the header and two trace lines

    // and -f with the same name twice in one run: the last command, with its lines
    BOOST_TEST_REQUIRE(
        run_probekit(s.our_home, "probe -f --cache -n" + x +
                                     "--add 'myev=step w' --add 'myev=helper v'")
            .status == 0);
    auto const probes = read_text(the_probes_file(s.our_home / ".debug"));
    auto const at = probes.find("#probe_cli:myev=helper v\np:probe_cli/myev");
    BOOST_TEST(at != std::string::npos, probes);
    BOOST_TEST(probes.find("#probe_cli:myev=step w") == std::string::npos, probes);
}

BOOST_AUTO_TEST_CASE(a_cached_command_is_answered_from_the_cache_and_another_from_dwarf)
{
    SKIP_WITHOUT_PERF();
    sides s;
    s.both(cache_add({"myev=step w"}));

    // Move the cached probe to an address DWARF would never give, on both sides.
    std::string edited_line;
    for (fs::path const& home : {s.perf_home, s.our_home}) {
        fs::path const file = the_probes_file(home / ".debug");
        BOOST_TEST_REQUIRE(!file.empty());
        std::string text = read_text(file);
        auto const at = text.find(binary + ":0x");
        BOOST_TEST_REQUIRE(at != std::string::npos, text);
        auto const hex = at + binary.size() + 1;
        text.replace(hex, text.find(' ', hex) - hex, "0xabcd0");
        write_text(file, text);
        edited_line = lines_of(text).at(1);
    }
    BOOST_TEST(edited_line.starts_with("p:probe_cli/myev " + binary + ":0xabcd0 w="));

    auto const [theirs, ours] = s.both("probe" + x + "-D 'myev=step w'");
    BOOST_TEST(ours.out == edited_line + "\n");
    BOOST_TEST(ours.out == theirs.out);

    // a different command (its own name) is resolved from DWARF
    auto const [dwarf_theirs, dwarf_ours] = s.both("probe" + x + "-D 'step w'");
    BOOST_TEST(dwarf_ours.out == dwarf_theirs.out);
    BOOST_TEST(dwarf_ours.out == perf_fresh_define("step w").out);
    BOOST_TEST(dwarf_ours.out.starts_with("p:probe_cli/step " + binary + ":0x"));
    BOOST_TEST(dwarf_ours.out.find(":0xabcd0") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_cached_command_needs_no_debuginfo)
{
    scratch_dir dir("probekit-cli-nodebug");
    fs::path const home = dir.path / "home";
    fs::create_directories(home);
    fs::path const copy = dir.path / "cli-O0";
    fs::copy_file(binary, copy);
    std::string const xc = " -x " + quote(copy.string()) + " ";
    auto const added = run_probekit(home, "probe --cache -n" + xc + "--add 'myev=step w'");
    BOOST_TEST_REQUIRE(added.status == 0, added.err);
    auto const from_dwarf = run_probekit(home, "probe" + xc + "-D 'myev=step w p->x'");
    BOOST_TEST_REQUIRE(from_dwarf.status == 0, from_dwarf.err);

    // The same file without its DWARF: the build-id stays, so the cache still knows it.
    BOOST_TEST_REQUIRE(std::system(("strip --strip-debug " + quote(copy.string())).c_str()) == 0);
    auto const cached = run_probekit(home, "probe" + xc + "-D 'myev=step w'");
    BOOST_TEST(cached.status == 0, cached.err);
    BOOST_TEST(cached.out == lines_of(read_text(the_probes_file(home / ".debug"))).at(1) + "\n");
    BOOST_TEST(cached.out.starts_with("p:probe_cli/myev " + copy.string() + ":0x"), cached.out);

    auto const uncached = run_probekit(home, "probe" + xc + "-D 'myev=step w p->x'");
    BOOST_TEST(uncached.status != 0);
    BOOST_TEST(uncached.out.empty());
}

BOOST_AUTO_TEST_CASE(event_references_to_a_cached_entry_answer_as_perf_does)
{
    SKIP_WITHOUT_PERF();
    sides s;
    s.both(cache_add({"myev=step w", "grp:ev=helper v"}));
    for (char const* ref : {"%probe_cli:myev", "%myev", "%grp:ev", "%ev", "%nosuch",
                            "%grp:myev", "%probe_cli:*"}) {
        auto const [theirs, ours] = s.both("probe" + x + "-D " + quote(ref));
        BOOST_TEST(ours.out == theirs.out, ref);
    }
    auto const ours = run_probekit(s.our_home, "probe" + x + "-D '%myev'");
    BOOST_TEST(ours.out.starts_with("p:probe_cli/myev " + binary + ":0x"), ours.out);
    BOOST_TEST(run_probekit(s.our_home, "probe" + x + "-D '%nosuch'").status != 0);
}

BOOST_AUTO_TEST_CASE(sdt_references_answer_as_perf_does_with_and_without_buildid_cache_add)
{
    SKIP_WITHOUT_PERF();
    std::string const sdt = std::string(PROBEKIT_SDT_FIXTURE_DIR) + "/sdt-O0";
    for (bool const imported : {false, true}) {
        BOOST_TEST_CONTEXT((imported ? "after buildid-cache --add" : "not cached"))
        {
            sides s;
            if (imported) {
                s.both("buildid-cache --add " + quote(sdt));
                s.same_cache("buildid-cache --add");
            }
            for (char const* ref : {"%sdt_pkfix:values", "%sdt_pkfix:twice", "%twice",
                                    "%sdt_pkfix:*", "%pkfix:twice", "%sdt_pkfix:nosuch",
                                    "sdt_pkfix:memory"}) {
                auto const [theirs, ours] =
                    s.both("probe -x " + quote(sdt) + " -D " + quote(ref));
                BOOST_TEST(ours.out == theirs.out, ref);
            }
            auto const twice = run_probekit(s.our_home, "probe -x " + quote(sdt) +
                                                            " -D '%sdt_pkfix:twice'");
            BOOST_TEST(lines_of(twice.out).size() == 2u, twice.out); // two sites
            BOOST_TEST(twice.out.starts_with("p:sdt_pkfix/twice " + sdt + ":0x"), twice.out);
            // F0: a definition leaves no trace in probekit's cache
            BOOST_TEST(cache_tree(s.our_home / ".debug").empty() == !imported);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
