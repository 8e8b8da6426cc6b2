// Live check of argument resolution (issue 6, item 2): a uprobe with the fetch args the
// resolver computes for a local, a parameter, a struct field through a pointer, a char
// array as a string and bitfields (DWARF 4 and 5, fault F6), on the fixture binary; the
// program runs, and the values the kernel recorded must be the ones it had. The event
// lives in a group of its own and is read through a tracing instance of its own; both are
// removed at the end. Without a writable tracefs the test says so and passes.
#include <probekit/dwarf/arg_resolver.hpp>

#include "dwarf_fixture.hpp"

#define BOOST_TEST_MODULE dwarf_args_kernel
#include <boost/test/unit_test.hpp>

#include "support/tracefs_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace probekit;
using namespace probekit::test;

namespace {

/// The source line of the fixture marked "probe here".
int marked_line()
{
    std::ifstream in(std::string(PROBEKIT_TEST_DATA_DIR) + "/dwarf/args_fixture.c");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number)
        if (line.find("/* probe here */") != std::string::npos)
            return number;
    return 0;
}

/// Runs `path` and waits for it.
bool run(std::string const& path)
{
    pid_t const child = ::fork();
    if (child == 0) {
        ::execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    return child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status);
}

/// `name=value` pairs of the first trace line of `event`.
std::map<std::string, std::string> recorded_values(std::string const& trace,
                                                   std::string const& event)
{
    std::map<std::string, std::string> values;
    auto const at = trace.find(" " + event + ": (");
    if (at == std::string::npos)
        return values;
    std::istringstream line(trace.substr(at, trace.find('\n', at) - at));
    std::string token;
    while (line >> token) {
        auto const eq = token.find('=');
        if (eq != std::string::npos)
            values[token.substr(0, eq)] = token.substr(eq + 1);
    }
    return values;
}

/// One uprobe and one tracing instance, removed on destruction.
struct live_probe {
    std::string group = "pk_args_" + std::to_string(::getpid());
    std::string event = "rec";
    std::string instance = tracefs + "/instances/" + group;
    bool added = false;

    ~live_probe()
    {
        write_tracefs(instance + "/events/" + group + "/" + event + "/enable", "0", false);
        ::rmdir(instance.c_str());
        if (added)
            write_tracefs(tracefs + "/uprobe_events", "-:" + group + "/" + event, true);
    }
};

/// Resolves the live arguments in `binary`, probes them, runs it, returns the values.
std::map<std::string, std::string> probe_and_run(std::string const& binary)
{
    fixture_binary const bin(fixture_path(binary));
    BOOST_TEST_REQUIRE(bin.ok());
    auto fn = bin.function("record");
    BOOST_TEST_REQUIRE(fn.has_value());
    auto const pc = fixture_binary::line_address(fn->first, fn->second, marked_line());
    BOOST_TEST_REQUIRE(pc.has_value());

    auto const spec = "record local param x=r->pt.x r->name:string r->fl.mode r->fl.delta "
                      "r->fl.rest";
    std::string args = test::resolve_text(bin, fn->first, fn->second, *pc, spec);
    BOOST_TEST_REQUIRE(args.find("error") == std::string::npos, args);

    live_probe probe;
    char offset[32];
    std::snprintf(offset, sizeof offset, "0x%llx",
                  static_cast<unsigned long long>(bin.file_offset(*pc)));
    std::string const command = "p:" + probe.group + "/" + probe.event + " " + bin.path() + ":" +
                                offset + " " + args;
    BOOST_TEST_MESSAGE(command);
    probe.added = write_tracefs(tracefs + "/uprobe_events", command, true);
    BOOST_TEST_REQUIRE(probe.added, "the kernel refused: " << command);
    BOOST_TEST_REQUIRE(::mkdir(probe.instance.c_str(), 0755) == 0);
    BOOST_TEST_REQUIRE(write_tracefs(
        probe.instance + "/events/" + probe.group + "/" + probe.event + "/enable", "1", false));

    BOOST_TEST_REQUIRE(run(bin.path()));
    return recorded_values(read_file(probe.instance + "/trace"), probe.event);
}

void check_values(std::map<std::string, std::string> const& values)
{
    BOOST_TEST(values.at("local") == "63"); // param * 3 + r->pt.x
    BOOST_TEST(values.at("param") == "7");
    BOOST_TEST(values.at("x") == "42");
    BOOST_TEST(values.at("name") == "\"fixture-name\"");
    BOOST_TEST(values.at("mode") == "5");
    BOOST_TEST(values.at("delta") == "29"); // -3 in 5 bits, read unsigned
    BOOST_TEST(values.at("rest") == "99");
}

} // namespace

BOOST_AUTO_TEST_SUITE(dwarf_args_kernel)

BOOST_AUTO_TEST_CASE(a_uprobe_with_resolved_args_records_the_values_of_dwarf5_code)
{
    if (!tracefs_writable()) {
        BOOST_TEST_MESSAGE("skipped: " << tracefs << "/uprobe_events is not writable here");
        return;
    }
    auto const values = probe_and_run("args-O0-dwarf5");
    BOOST_TEST_REQUIRE(values.size() >= 7u);
    check_values(values);
}

BOOST_AUTO_TEST_CASE(dwarf4_bitfields_record_the_same_values_fault_f6)
{
    if (!tracefs_writable()) {
        BOOST_TEST_MESSAGE("skipped: " << tracefs << "/uprobe_events is not writable here");
        return;
    }
    auto const values = probe_and_run("args-O0-dwarf4");
    BOOST_TEST_REQUIRE(values.size() >= 7u);
    check_values(values);
}

BOOST_AUTO_TEST_SUITE_END()
