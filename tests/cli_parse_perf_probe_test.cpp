// The CLI's `--file` contract gives the library's answers, line for line.
#include <probekit/perf_probe.hpp>

#define BOOST_TEST_MODULE cli_parse_perf_probe
#include <boost/test/unit_test.hpp>

#include "support/tsv.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
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
    char buffer[4096];
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

std::vector<std::string> corpus_commands()
{
    std::vector<std::string> commands;
    for (auto const* file : {"perf-probe-valid.tsv", "perf-probe-invalid.tsv"}) {
        for (auto const& row : probekit::test::read_tsv(probekit::test::corpus_path(file))) {
            std::string const& command = row["command"];
            if (!command.starts_with("--line ") && row["stage"] != "cli")
                commands.push_back(command);
        }
    }
    return commands;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_file_mode_answers_every_corpus_line_as_the_library_does)
{
    auto const commands = corpus_commands();
    BOOST_TEST_REQUIRE(commands.size() > 90u);
    auto const input = std::filesystem::temp_directory_path() / "probekit-cli-corpus.txt";
    {
        std::ofstream out(input);
        for (auto const& command : commands)
            out << command << '\n';
    }

    auto const result = run_tool("parse perf-probe -x /opt/app/bin/app --file " + input.string());
    std::filesystem::remove(input);
    BOOST_TEST(result.status == 1); // the invalid rows are in the file too
    BOOST_TEST_REQUIRE(result.lines.size() == commands.size());

    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto const event = probekit::parse_perf_probe(commands[i]);
        std::string const expected =
            event ? "ok\t" + probekit::synthesize_perf_probe(*event, "probe_app")
                  : "error\t" + std::to_string(event.error().offset) + "\t";
        BOOST_TEST(result.lines[i].starts_with(expected), "line " << i + 1 << ": '"
                                                                  << result.lines[i] << "'");
    }
}

BOOST_AUTO_TEST_CASE(one_command_prints_its_canonical_form_and_exits_zero)
{
    auto const result = run_tool("parse perf-probe -x /opt/app/bin/app 'compute:6 total'");
    BOOST_TEST(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 1u);
    BOOST_TEST(result.lines[0] == "probe_app:compute_L6=compute:6 total");
}

BOOST_AUTO_TEST_CASE(the_file_mode_refuses_a_line_with_a_nul_byte_and_goes_on)
{
    auto const path = std::filesystem::temp_directory_path() /
                      ("probekit-nul-" + std::to_string(::getpid()) + ".txt");
    {
        std::ofstream out(path, std::ios::binary);
        out << std::string_view("main\0 x\narea w\n", 14);
    }
    auto const result = run_tool("parse perf-probe --file '" + path.string() + "'");
    std::filesystem::remove(path);
    BOOST_TEST(result.status == 1);
    BOOST_TEST_REQUIRE(result.lines.size() == 2u);
    BOOST_TEST(result.lines[0] == "error\t4\ta NUL byte in the line (expected text)");
    BOOST_TEST(result.lines[1] == "ok\tarea w");
}

BOOST_AUTO_TEST_CASE(a_bad_command_exits_one_with_the_error_on_stderr_only)
{
    auto const result = run_tool("parse perf-probe 'compute:3+4' 2>/dev/null");
    BOOST_TEST(result.status == 1);
    BOOST_TEST(result.lines.empty());
}

BOOST_AUTO_TEST_CASE(json_output_is_one_object_per_command)
{
    auto const result = run_tool("parse perf-probe --json 'grp:ev=area p->x:u32'");
    BOOST_TEST(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 1u);
    BOOST_TEST(result.lines[0].find("\"event\":\"ev\"") != std::string::npos);
    BOOST_TEST(result.lines[0].find("{\"arrow\":\"x\"}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_output_stays_utf8_when_a_command_is_not)
{
    // `caf\351` is Latin-1 "café": the byte becomes U+FFFD; UTF-8 "café" passes as it is.
    auto const result = run_tool(R"sh(parse perf-probe --json "$(printf 'caf\351')" )sh"
                                 R"sh("$(printf 'caf\303\251')")sh");
    BOOST_TEST(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 2u);
    BOOST_TEST(result.lines[0].find("\"function\":\"caf\xef\xbf\xbd\"") != std::string::npos,
               result.lines[0]);
    BOOST_TEST(result.lines[1].find("\"function\":\"caf\xc3\xa9\"") != std::string::npos,
               result.lines[1]);
}

BOOST_AUTO_TEST_CASE(line_ranges_print_their_canonical_form)
{
    auto const result = run_tool("parse line-range 'func:2+10' 'source.c:1'");
    BOOST_TEST(result.status == 0);
    BOOST_TEST_REQUIRE(result.lines.size() == 2u);
    BOOST_TEST(result.lines[0] == "func:2-11");
    BOOST_TEST(result.lines[1] == "source.c:1");
}
