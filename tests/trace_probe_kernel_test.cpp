// The live kernel as the judge of uprobe lines: every uprobe row of the corpus, pointed at
// this test's own executable and put in a group of its own, is written to uprobe_events.
// The kernel must accept exactly what probekit accepts, and where it logs an error, its
// error_log caret must be probekit's offset. Everything added is removed again; without a
// writable tracefs the test says so and passes.
#include <probekit/trace_probe.hpp>

#define BOOST_TEST_MODULE trace_probe_kernel
#include "trace_corpus.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace probekit;

std::string const tracefs = "/sys/kernel/tracing";
std::string const events_file = tracefs + "/uprobe_events";

std::string read_file(std::string const& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Appends one line to uprobe_events (O_APPEND: never clears what others defined).
/// Returns 0 or the errno of the write.
int write_events(std::string const& line)
{
    int const fd = ::open(events_file.c_str(), O_WRONLY | O_APPEND);
    if (fd < 0)
        return errno;
    int status = 0;
    if (::write(fd, line.data(), line.size()) < 0)
        status = errno;
    ::close(fd);
    return status;
}

std::string self_path()
{
    char buffer[4096];
    ssize_t const n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

/// Removes every event of uprobe_events that probes `path` (only this test uses it).
int remove_events_of(std::string const& path)
{
    int removed = 0;
    std::istringstream lines(read_file(events_file));
    std::string line;
    while (std::getline(lines, line)) {
        // e.g. "p:uprobes/p_x_0xa /path:0x000000000000000a"
        auto const blank = line.find(' ');
        if (blank == line.npos || line.compare(blank + 1, path.size() + 1, path + ":") != 0)
            continue;
        auto const colon = line.find(':');
        if (colon != line.npos && colon < blank &&
            write_events("-:" + line.substr(colon + 1, blank - colon - 1)) == 0)
            ++removed;
    }
    return removed;
}

/// The caret of the newest error_log entry for exactly `command`, if there is one.
std::optional<std::size_t> logged_caret(std::string const& log, std::string const& command)
{
    std::string const needle = "  Command: " + command + "\n";
    auto const at = log.rfind(needle);
    if (at == std::string::npos)
        return std::nullopt;
    auto const caret_line = at + needle.size();
    auto const end = log.find('\n', caret_line);
    auto const caret = log.find('^', caret_line);
    if (caret == std::string::npos || (end != std::string::npos && caret > end))
        return std::nullopt;
    return caret - caret_line - std::string_view("  Command: ").size();
}

/// The row's command with our executable for /bin/sh and our group for the row's.
std::string adapt(std::string command, std::string const& exe, std::string const& group,
                  bool valid)
{
    for (auto at = command.find("/bin/sh"); at != std::string::npos;
         at = command.find("/bin/sh", at + exe.size()))
        command.replace(at, 7, exe);
    if (!valid)
        return command; // as written: the error may be in the names
    auto const blank = command.find(' ');
    std::string head = command.substr(0, blank);
    if (head.size() == 1)
        head += ":" + group + "/";
    else if (head[1] == ':') {
        auto const slash = head.find('/');
        head = head.substr(0, 2) + group + "/" +
               (slash == std::string::npos ? head.substr(2) : head.substr(slash + 1));
    }
    return head + command.substr(blank);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_kernel_accepts_exactly_the_uprobe_rows_probekit_accepts)
{
    if (::access(events_file.c_str(), W_OK) != 0) {
        BOOST_TEST_MESSAGE("skipped: " << events_file << " is not writable here");
        return;
    }
    std::string const exe = self_path();
    BOOST_TEST_REQUIRE(!exe.empty());
    std::string const group = "probekit_t" + std::to_string(::getpid());

    std::vector<test::trace_row> rows;
    for (auto const& row : test::read_trace_rows(PROBEKIT_TEST_DATA_DIR "/corpus", true))
        if (row.kind == "uprobe" && row.command.rfind("-:", 0) != 0)
            rows.push_back(row);
    for (auto const& row : test::read_trace_rows(PROBEKIT_TEST_DATA_DIR "/corpus", false))
        if (row.kind == "uprobe" && row.stage == "parse")
            rows.push_back(row);

    std::size_t agreed = 0, carets = 0;
    for (auto const& row : rows) {
        std::string const command = adapt(row.command, exe, group, row.valid);
        auto const ours = parse_trace_probe(command, trace_kind::uprobe);
        int const status = write_events(command);
        std::string const log = status != 0 ? read_file(tracefs + "/error_log") : "";
        remove_events_of(exe);

        BOOST_TEST_CONTEXT(row << "\n  written: " << command)
        {
            BOOST_TEST(ours.has_value() == (status == 0),
                       "kernel " << (status == 0 ? "accepted" : std::strerror(status))
                                 << ", probekit "
                                 << (ours ? "accepted" : std::string(ours.error().message)));
            if (ours.has_value() == (status == 0))
                ++agreed;
            if (!ours && status != 0) {
                if (auto const caret = logged_caret(log, command)) {
                    // (a caret past the end of the line is reported as the end)
                    BOOST_TEST(ours.error().offset == std::min(*caret, command.size()));
                    ++carets;
                }
            }
        }
    }
    BOOST_TEST_MESSAGE(agreed << " of " << rows.size() << " uprobe rows agree with the kernel; "
                              << carets << " error_log carets compared");
    BOOST_TEST(remove_events_of(exe) == 0);
}

// Lines the corpus does not have: random heads, places and arguments built from pieces
// the kernel's parser treats specially, with a fixed seed.
BOOST_AUTO_TEST_CASE(random_uprobe_lines_get_the_kernel_verdict_and_caret)
{
    if (::access(events_file.c_str(), W_OK) != 0) {
        BOOST_TEST_MESSAGE("skipped: " << events_file << " is not writable here");
        return;
    }
    std::string const exe = self_path();
    std::string const group = "probekit_r" + std::to_string(::getpid());
    std::vector<std::string> const heads = {
        "p:G/e", "r:G/e", "p:G.e", "p:G/", "p:G/1e", "p:G/e-", "p:/e", "p:G.x/e", "r5:G/e",
        "p:G/e:", "p:G//e", "p:G/e/f"};
    std::vector<std::string> const places = {
        ":0x10", ":16", ":020", ":0x10%return", ":0x10(0x20)", ":0x10(0x20", ":0x10(0x20)x",
        ":0x10(x)", ":0x10%ret", ":0x10(0x4)%return", ":0x", ":1x", ":0x10()", ":0x10(+4)",
        ":18446744073709551615", ":18446744073709551616", ":0x10%"};
    std::vector<std::string> const names = {
        "", "a=", "_=", "1a=", "=", "a-b=", "common_pid=", "__probe_ip=", "arg1=", "arg2=",
        "a2345678901234567890123456789012=", "a23456789012345678901234567890123="};
    std::vector<std::string> const fetches = {
        "%ax", "%di", "%ip", "%flags", "%orig_ax", "%r15", "%r16", "%ds", "%x1", "$stack",
        "$stack0", "$stack+1", "$retval", "$retvalx", "$comm", "$COMM", "$Comm", "$arg1",
        "$arg0", "@0x10", "@+10", "@+-10", "@+0x", "@-1", "@", "\\1", "\\-1", "\\+1",
        "\\0x", "\\08", "\\\"a\"", "\\\"", "\\x", "+0(%ax)", "-0(%ax)", "+u0(%ax)",
        "-u8(%ax)", "+u(%ax)", "+0x(%ax)", "+08(%ax)", "+0(+0(%ax))", "+0(%ax))", "+0(%ax)x",
        "+0()", "+0(@+4)", "+0(\\1)", "+0($comm)", "x", "(%ax)", "+0(%ax", "-+1(%ax)",
        "+-1(%ax)", "-9223372036854775808(%ax)", "\\18446744073709551616"};
    std::vector<std::string> const types = {
        "", "u8", "s16", "x32", "x", "char", "string", "ustring", "symbol", "%pd", "b1@0/8",
        "b0@0/8", "b1@8/8", "b2@0x1/0x8", "b1@/8", "b1@1/24", "string[2]", "u8[64]", "u8[65]",
        "u8[]", "u8[1", "u8[1]x", "char[3]", ":u8", "[2]"};

    std::mt19937 random(20261203);
    auto const pick = [&](std::vector<std::string> const& from) {
        return from[random() % from.size()];
    };
    std::size_t agreed = 0, carets = 0;
    int const lines = 300;
    for (int i = 0; i < lines; ++i) {
        std::string head = pick(heads);
        for (auto at = head.find('G'); at != std::string::npos; at = head.find('G'))
            head.replace(at, 1, group);
        if (head.back() == 'e')
            head += std::to_string(i);
        std::string command = head + " " + exe + pick(places);
        for (int n = 1 + static_cast<int>(random() % 3); n != 0; --n) {
            std::string const type = pick(types);
            command += " " + pick(names) + pick(fetches) + (type.empty() ? "" : ":" + type);
        }
        auto const ours = parse_trace_probe(command, trace_kind::uprobe);
        int const status = write_events(command);
        std::string const log = status != 0 ? read_file(tracefs + "/error_log") : "";
        remove_events_of(exe);
        BOOST_TEST_CONTEXT("written: " << command)
        {
            BOOST_TEST(ours.has_value() == (status == 0));
            agreed += ours.has_value() == (status == 0);
            if (!ours && status != 0) {
                if (auto const caret = logged_caret(log, command)) {
                    // (a caret past the end of the line is reported as the end)
                    BOOST_TEST(ours.error().offset == std::min(*caret, command.size()));
                    ++carets;
                }
            }
        }
    }
    BOOST_TEST_MESSAGE(agreed << " of " << lines << " random uprobe lines agree with the kernel; "
                              << carets << " error_log carets compared");
    BOOST_TEST(remove_events_of(exe) == 0);
}
