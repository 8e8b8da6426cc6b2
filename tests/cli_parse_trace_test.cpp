// `probekit parse trace`: the `--file` contract gives the library's answers line for line,
// and the command form reports errors with exit status 1.
#include <probekit/trace_probe.hpp>

#define BOOST_TEST_MODULE cli_parse_trace
#include <boost/test/unit_test.hpp>

#include "trace_corpus.hpp"

#include <boost/json.hpp>
#include <boost/json/src.hpp> // header-only here: tests/ does not see tools/ Boost::json

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

struct run_result {
    int status = -1;
    std::vector<std::string> lines;
};

/// Runs the tool with `arguments` (shell-quoted by the caller) and collects stdout lines.
run_result run_tool(std::string const& arguments)
{
    run_result result;
    std::string const command = std::string(PROBEKIT_TOOL_PATH) + " " + arguments;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return result;
    char buffer[8192];
    std::string line;
    while (std::fgets(buffer, sizeof buffer, pipe)) {
        line += buffer;
        if (line.ends_with('\n')) {
            line.pop_back();
            result.lines.push_back(line);
            line.clear();
        }
    }
    int const status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_file_mode_answers_every_corpus_line_as_the_library_does)
{
    std::vector<std::string> commands;
    for (bool const valid : {true, false})
        for (auto const& row : probekit::test::read_trace_rows(PROBEKIT_TEST_DATA_DIR "/corpus",
                                                              valid))
            commands.push_back(row.command);
    auto const input = std::filesystem::temp_directory_path() / "probekit-cli-trace.txt";
    {
        std::ofstream out(input);
        for (auto const& command : commands)
            out << command << '\n';
    }
    auto const result = run_tool("parse trace --file " + input.string());
    std::filesystem::remove(input);

    BOOST_TEST(result.status == 1); // the invalid rows
    BOOST_TEST_REQUIRE(result.lines.size() == commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto const ev = probekit::parse_trace_probe(commands[i]);
        std::string expected;
        if (ev) {
            expected = "ok\t";
            probekit::synthesize_trace_probe(*ev, expected);
        } else {
            expected = "error\t" + std::to_string(ev.error().offset) + "\t";
        }
        BOOST_TEST(result.lines[i].starts_with(expected), commands[i]);
    }
}

BOOST_AUTO_TEST_CASE(a_command_with_an_error_exits_with_status_one)
{
    auto const good = run_tool("parse trace 'p:grp/ev /bin/app:0x000000000000115d'");
    BOOST_TEST(good.status == 0);
    BOOST_TEST_REQUIRE(good.lines.size() == 1u);
    BOOST_TEST(good.lines[0] == "p:grp/ev /bin/app:0x115d");

    auto const bad = run_tool("parse trace --kind kprobe 'p vfs_read %zz' 2>/dev/null");
    BOOST_TEST(bad.status == 1);
    BOOST_TEST(bad.lines.empty());
}

BOOST_AUTO_TEST_CASE(json_shows_the_argument_tree)
{
    auto const result =
        run_tool("parse trace --json 'p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32'");
    BOOST_TEST_REQUIRE(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 1u);
    auto const value = boost::json::parse(result.lines[0]);
    auto const& arg = value.at("args").at(0);
    BOOST_TEST(arg.at("name").as_string() == "x");
    BOOST_TEST(arg.at("fetch").at("base").as_string() == "register");
    BOOST_TEST(arg.at("fetch").at("derefs").at(0).at("offset").as_int64() == -24);
    BOOST_TEST(arg.at("type").at("name").as_string() == "s32");
    BOOST_TEST(value.at("canonical").as_string() ==
               "p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32");
}

BOOST_AUTO_TEST_CASE(json_stays_utf8_when_a_path_is_not)
{
    // A Latin-1 "é" in the path: boost::json::parse refuses text that is not UTF-8, so the
    // line parsing at all shows the byte was replaced (by U+FFFD).
    auto const result =
        run_tool(R"sh(parse trace --json "$(printf 'p:grp/ev /bin/caf\351:0x10')")sh");
    BOOST_TEST_REQUIRE(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 1u);
    auto const value = boost::json::parse(result.lines[0]);
    BOOST_TEST(value.at("place").at("path").as_string() == "/bin/caf\xef\xbf\xbd");
}

BOOST_AUTO_TEST_CASE(an_unknown_kind_is_refused)
{
    auto const result = run_tool("parse trace --kind kretprobe 'r vfs_read' 2>/dev/null");
    BOOST_TEST(result.status == 1);
}
