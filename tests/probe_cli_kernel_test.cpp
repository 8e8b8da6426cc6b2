// Live uprobes through the CLI (label `kernel`): `probekit probe -a` adds a line probe with
// local variables and a return probe with `$retval` on a copy of the fixture of
// tests/data/cli, a tracing instance of the test's own records them while the fixture calls
// step() seven times, and the hit counts and values must be the program's. `probekit probe
// -d` removes them again. The group holds the PID; whatever the test added is removed even
// when it fails. Without a writable tracefs the test says so and passes.
#include "support/cli.hpp"
#include "support/tracefs_io.hpp"

#define BOOST_TEST_MODULE probe_cli_kernel
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

using namespace probekit::test;

namespace {

/// The events of `group` in uprobe_events (`group/event` each).
std::vector<std::string> events_of(std::string const& group)
{
    std::vector<std::string> out;
    for (auto const& line : lines_of(read_text(tracefs + "/uprobe_events"))) {
        // e.g. "p:probe_pkcli42/line /tmp/x/pkcli42:0x000000000000118e w=-28(%bp):s32"
        auto const colon = line.find(':');
        auto const blank = line.find(' ');
        if (colon == std::string::npos || blank == std::string::npos || blank < colon)
            continue;
        std::string const name = line.substr(colon + 1, blank - colon - 1);
        if (name.starts_with(group + "/"))
            out.push_back(name);
    }
    return out;
}

/// A copy of the fixture named so that its default group is unique, a tracing instance,
/// and every uprobe of the group: all removed at the end, whatever happened.
struct live_session {
    scratch_dir dir{"probekit-cli-kernel"};
    std::string name = "pkcli" + std::to_string(::getpid());
    std::string group = "probe_" + name; // perf's default group for this file name
    fs::path binary = dir.path / name;
    fs::path home = dir.path / "home";
    std::string instance = tracefs + "/instances/" + group;

    live_session()
    {
        fs::copy_file(std::string(PROBEKIT_CLI_FIXTURE_DIR) + "/cli-O0", binary);
        fs::create_directories(home);
    }
    ~live_session()
    {
        write_tracefs(instance + "/events/" + group + "/enable", "0", false);
        ::rmdir(instance.c_str());
        for (auto const& event : events_of(group))
            write_tracefs(tracefs + "/uprobe_events", "-:" + event, true);
    }

    run_result probe(std::string const& args) const
    {
        return run_probekit(home, "probe " + args);
    }
};

/// The `name=value` fields of each trace line of `event`, in the order of the hits.
std::vector<std::map<std::string, std::string>> hits(std::string const& trace,
                                                     std::string const& event)
{
    std::vector<std::map<std::string, std::string>> out;
    for (auto const& line : lines_of(trace)) {
        // e.g. "  pkcli42-1234 [001] ..... 5.1: line: (0x55d1e2a1518e) w=1 a=0 b=11"
        auto const at = line.find(" " + event + ": (");
        if (at == std::string::npos)
            continue;
        std::map<std::string, std::string> fields;
        std::istringstream words(line.substr(at));
        for (std::string word; words >> word;)
            if (auto const eq = word.find('='); eq != std::string::npos)
                fields[word.substr(0, eq)] = word.substr(eq + 1);
        out.push_back(std::move(fields));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(probe_cli_kernel)

BOOST_AUTO_TEST_CASE(a_line_probe_and_a_return_probe_record_each_call_and_are_deleted)
{
    if (!tracefs_writable()) {
        BOOST_TEST_MESSAGE("skipped: " << tracefs << "/uprobe_events is not writable here");
        return;
    }
    live_session s;
    std::string const x = "-x " + quote(s.binary.string()) + " ";

    // step:5 is `return a + b;`; the return probe gets perf's default group and name
    auto const line = s.probe(x + "-a " + quote(s.group + ":line=step:5 w a b"));
    BOOST_TEST_REQUIRE(line.status == 0, line.err);
    auto const ret = s.probe(x + "-a 'step%return $retval'");
    BOOST_TEST_REQUIRE(ret.status == 0, ret.err);
    BOOST_TEST(ret.err.find(s.group + ":step__return") != std::string::npos, ret.err);
    auto const added = events_of(s.group);
    BOOST_TEST_REQUIRE(added.size() == 2u);
    BOOST_TEST(added[0] == s.group + "/line");
    BOOST_TEST(added[1] == s.group + "/step__return");
    auto const listed = s.probe("-l " + quote(s.group + ":*"));
    BOOST_TEST(listed.out.find(s.group + ":line") != std::string::npos, listed.out);
    BOOST_TEST(listed.out.find(s.group + ":step__return") != std::string::npos, listed.out);
    BOOST_TEST(cache_tree(s.home / ".debug").empty()); // -a without --cache writes no cache

    BOOST_TEST_REQUIRE(::mkdir(s.instance.c_str(), 0755) == 0, "cannot create " << s.instance);
    BOOST_TEST_REQUIRE(write_tracefs(s.instance + "/events/" + s.group + "/enable", "1", false));
    auto const program = run_shell(quote(s.binary.string()) + " 7");
    BOOST_TEST_REQUIRE(program.status == 0);
    BOOST_TEST_REQUIRE(write_tracefs(s.instance + "/events/" + s.group + "/enable", "0", false));

    // step(p, w) for w = 1..7 with p->x = w - 1, p->y = 10: a = (w-1)*w, b = 10+w
    auto const trace = read_text(s.instance + "/trace");
    auto const line_hits = hits(trace, "line");
    auto const return_hits = hits(trace, "step__return");
    BOOST_TEST_REQUIRE(line_hits.size() == 7u, trace);
    BOOST_TEST_REQUIRE(return_hits.size() == 7u, trace);
    long sum = 0;
    for (int w = 1; w <= 7; ++w) {
        BOOST_TEST_CONTEXT("w = " << w)
        {
            int const a = (w - 1) * w, b = 10 + w;
            auto const& at_line = line_hits[w - 1];
            BOOST_TEST(at_line.at("w") == std::to_string(w));
            BOOST_TEST(at_line.at("a") == std::to_string(a));
            BOOST_TEST(at_line.at("b") == std::to_string(b));
            BOOST_TEST_REQUIRE(return_hits[w - 1].size() == 1u); // the unnamed $retval
            BOOST_TEST(std::stol(return_hits[w - 1].begin()->second, nullptr, 0) == a + b);
            sum += a + b;
        }
    }
    BOOST_TEST(program.out.starts_with(std::to_string(sum + 8 + (7 * 2 + 3) + 49 + 1 + 99)),
               program.out); // main adds helper(7), util_run(7), square(7), check_flags()

    auto const deleted = s.probe("-d " + quote(s.group + ":*"));
    BOOST_TEST(deleted.status == 0, deleted.err);
    BOOST_TEST(deleted.err.find("Removed event: " + s.group + ":line") != std::string::npos,
               deleted.err);
    BOOST_TEST(deleted.err.find("Removed event: " + s.group + ":step__return") !=
                   std::string::npos,
               deleted.err);
    BOOST_TEST(events_of(s.group).empty());
}

BOOST_AUTO_TEST_SUITE_END()
