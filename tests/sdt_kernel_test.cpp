// Live SDT probes (label `kernel`): the trace commands probekit makes for the fixture's
// notes are written to uprobe_events (in a group of their own), enabled in a tracing
// instance of their own, and the fixture runs: the recorded arguments must be the values
// the program had, and the code behind the semaphore must run only while its probe is
// enabled (the kernel counts enabled probes in the `(ref_ctr_offset)` semaphore). Both
// are removed at the end. Without a writable tracefs the test says so and passes.
#include <probekit/sdt_probe.hpp>

#define BOOST_TEST_MODULE sdt_kernel
#include <boost/test/unit_test.hpp>

#include "support/tracefs_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace probekit;

using namespace probekit::test;

namespace {

/// The fixture's stdout after running it `rounds` times.
std::string run(std::string const& binary, int rounds)
{
    std::string const command = binary + " " + std::to_string(rounds);
    FILE* const out = ::popen(command.c_str(), "r");
    if (out == nullptr)
        return {};
    std::string text;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, out) != nullptr)
        text += buffer;
    ::pclose(out);
    return text;
}

/// The `name=value` pairs of every record of `event`, in order.
std::vector<std::map<std::string, std::string>> records(std::string const& trace,
                                                        std::string const& event)
{
    std::vector<std::map<std::string, std::string>> all;
    std::istringstream lines(trace);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find(" " + event + ": (") == std::string::npos)
            continue;
        std::istringstream words(line);
        std::string word;
        std::map<std::string, std::string> values;
        while (words >> word)
            if (auto const eq = word.find('='); eq != std::string::npos)
                values[word.substr(0, eq)] = word.substr(eq + 1);
        all.push_back(std::move(values));
    }
    return all;
}

/// The fixture's probes in uprobe_events and a tracing instance; removed on destruction.
struct live_sdt_probes {
    std::string group = "pk_sdt_" + std::to_string(::getpid());
    std::string instance = tracefs + "/instances/" + group;
    std::vector<std::string> events;

    bool enable(bool on)
    {
        bool ok = true;
        for (auto const& e : events)
            ok = write_tracefs(instance + "/events/" + group + "/" + e + "/enable", on ? "1" : "0",
                            false) && ok;
        return ok;
    }
    ~live_sdt_probes()
    {
        enable(false);
        ::rmdir(instance.c_str());
        for (auto const& e : events)
            write_tracefs(tracefs + "/uprobe_events", "-:" + group + "/" + e, true);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(sdt_kernel)

BOOST_AUTO_TEST_CASE(sdt_probes_record_the_arguments_and_drive_the_semaphore)
{
    if (!tracefs_writable()) {
        BOOST_TEST_MESSAGE("skipped: " << tracefs << "/uprobe_events is not writable here");
        return;
    }
    std::string const binary = std::string(PROBEKIT_SDT_FIXTURE_DIR) + "/sdt-O2";
    auto const notes = read_sdt_notes(binary.c_str());
    BOOST_TEST_REQUIRE(notes.has_value());

    live_sdt_probes probes;
    for (auto const& note : *notes) {
        if (note.name != "values" && note.name != "guarded")
            continue;
        auto ev = sdt_trace_event(note, binary);
        BOOST_TEST_REQUIRE(ev.has_value());
        ev->group = probes.group;
        std::string line;
        synthesize_trace_probe(*ev, line);
        BOOST_TEST_MESSAGE(line);
        BOOST_TEST_REQUIRE(write_tracefs(tracefs + "/uprobe_events", line, true),
                           "the kernel refused: " << line);
        probes.events.push_back(note.name);
    }
    BOOST_TEST_REQUIRE(probes.events.size() == 2u);
    BOOST_TEST_REQUIRE(::mkdir(probes.instance.c_str(), 0755) == 0);

    // Defined but disabled: the semaphore stays 0 and the guarded code does not run.
    BOOST_TEST(run(binary, 3) == "guarded=0\n");

    BOOST_TEST_REQUIRE(probes.enable(true));
    BOOST_TEST(run(binary, 3) == "guarded=3\n");
    BOOST_TEST_REQUIRE(probes.enable(false));
    BOOST_TEST(run(binary, 3) == "guarded=0\n");

    std::string const trace = read_file(probes.instance + "/trace");
    auto const values = records(trace, "values");
    BOOST_TEST_REQUIRE(values.size() == 3u, trace);
    for (int round = 0; round < 3; ++round) {
        BOOST_TEST(values[round].at("arg1") == std::to_string(round));
        BOOST_TEST(values[round].at("arg2") == std::to_string(1000 + round));
        BOOST_TEST(values[round].at("arg3") == std::to_string(2000 + 3 * round));
    }
    auto const guarded = records(trace, "guarded");
    BOOST_TEST_REQUIRE(guarded.size() == 3u, trace);
    for (int round = 0; round < 3; ++round) {
        BOOST_TEST(guarded[round].at("arg1") == std::to_string(round));
        BOOST_TEST(guarded[round].at("arg2") == std::to_string(-round));
    }
}

BOOST_AUTO_TEST_SUITE_END()
