// The listings of `probekit probe` through the CLI on the fixtures of tests/data/cli: -V
// with --range and --externs, -F with and without a filter (PLT slots included), and the
// filter and target errors perf reports while reading its options, and on glibc (where
// libc6-dbg is installed) -L through an alias and -V constants, against what perf 6.1
// prints where perf is installed, and against the listings' own rules everywhere.
#include "support/cli.hpp"

#include <probekit/build_id.hpp>

#define BOOST_TEST_MODULE probe_cli_listing
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace probekit::test;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_CLI_FIXTURE_DIR) + "/" + name;
}

/// `probekit probe ARGS`, and perf's answer where perf is here, each in a HOME of its own.
struct both {
    run_result ours;
    std::optional<run_result> theirs;
};

both run_both(std::string const& args)
{
    scratch_dir home("probekit-listing");
    both out{run_probekit(home.path, args), std::nullopt};
    if (perf_usable()) {
        scratch_dir perf_home("probekit-listing-perf");
        out.theirs = run_perf(perf_home.path, args);
    }
    return out;
}

/// glibc, where its separate debug information (libc6-dbg) is installed; else empty, after
/// saying that the test is skipped.
std::string libc_with_debuginfo()
{
    char const* const libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if (auto const id = probekit::read_build_id(libc)) {
        auto const hex = id->hex();
        if (std::filesystem::exists("/usr/lib/debug/.build-id/" + hex.substr(0, 2) + "/" +
                                    hex.substr(2) + ".debug"))
            return libc;
    }
    BOOST_TEST_MESSAGE("skipped: no glibc debug information (libc6-dbg)");
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(probe_cli_listing)

BOOST_AUTO_TEST_CASE(vars_with_range_mark_each_variable_and_say_where_it_is_valid)
{
    for (char const* binary : {"cli-O0", "cli-O2"}) {
        for (char const* options : {"--range", "--range --externs"}) {
            std::string const args =
                "probe -x " + quote(fixture(binary)) + " -V step " + options;
            BOOST_TEST_CONTEXT(args)
            {
                auto const r = run_both(args);
                BOOST_TEST_REQUIRE(r.ours.status == 0, r.ours.err);
                // e.g. "\t\t[VAL]\tint\tw\t@<step+[0-27]>"
                std::size_t entries = 0;
                for (auto const& line : lines_of(r.ours.out)) {
                    if (!line.starts_with("\t\t"))
                        continue;
                    ++entries;
                    bool const local = line.starts_with("\t\t[VAL]\t") ||
                                       line.starts_with("\t\t[INV]\t");
                    BOOST_TEST((local || line.starts_with("\t\t[EXT]\t")), line);
                    if (local)
                        BOOST_TEST(line.find("\t@<step+[") != std::string::npos, line);
                }
                BOOST_TEST(entries >= 2u);
                if (r.theirs)
                    BOOST_TEST(r.ours.out == r.theirs->out);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(funcs_with_a_filter_list_code_and_data_symbols_only)
{
    auto const r = run_both("probe -x " + quote(fixture("cli-O0")) + " -F '[!_]*'");
    BOOST_TEST_REQUIRE(r.ours.status == 0, r.ours.err);
    auto const names = lines_of(r.ours.out);
    auto const has = [&](std::string const& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    BOOST_TEST(has("step"));
    BOOST_TEST(has("g_total"));
    BOOST_TEST(!has("_end")); // a label in .bss
    BOOST_TEST(has("atoi@plt")); // a PLT slot (readelf: R_X86_64_JUMP_SLOT atoi)
    if (r.theirs)
        BOOST_TEST(names == lines_of(r.theirs->out), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(funcs_name_each_plt_slot_after_the_symbol_it_jumps_to)
{
    auto const target = fixture("cli-O2"); // calls printf and strtol through its PLT
    auto const slots = run_shell("readelf -rW " + quote(target) + " | grep -c JUMP_SLOT");
    auto const r = run_both("probe -x " + quote(target) + " -F '*@plt'");
    BOOST_TEST_REQUIRE(r.ours.status == 0, r.ours.err);
    auto const names = lines_of(r.ours.out);
    BOOST_TEST(std::to_string(names.size()) + "\n" == slots.out);
    BOOST_TEST(names == (std::vector<std::string>{"printf@plt", "strtol@plt"}),
               boost::test_tools::per_element());
    if (r.theirs)
        BOOST_TEST(names == lines_of(r.theirs->out), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(funcs_without_a_filter_hide_plt_slots_and_underscores)
{
    auto const r = run_both("probe -x " + quote(fixture("cli-O0")) + " -F");
    BOOST_TEST_REQUIRE(r.ours.status == 0, r.ours.err);
    for (auto const& name : lines_of(r.ours.out)) {
        BOOST_TEST(!name.ends_with("@plt"), name);
        BOOST_TEST(!name.starts_with("_"), name);
    }
    if (r.theirs)
        BOOST_TEST(r.ours.out == r.theirs->out);
}

BOOST_AUTO_TEST_CASE(a_bad_filter_is_a_usage_error_with_a_caret_under_the_fault)
{
    for (std::string const option : {"-F", "-l", "-d"}) {
        auto const r = run_both("probe " + option + " 'a&'");
        BOOST_TEST(r.ours.status == 129, option);
        BOOST_TEST(r.ours.err.starts_with("Filter parse error at 3.\nSource: \"a&\"\n"
                                          "           ^\n"), r.ours.err);
        BOOST_TEST(r.ours.err.find(" Usage: perf probe") != std::string::npos);
        if (r.theirs) {
            BOOST_TEST(r.theirs->status == 129, option);
            BOOST_TEST(r.ours.err == r.theirs->err, option);
        }
    }
}

BOOST_AUTO_TEST_CASE(funcs_of_a_file_without_symbols_fail_as_perf_fails)
{
    // A source file is no ELF; perf says the same for a binary with nothing to list.
    auto const source = std::string(PROBEKIT_TEST_DATA_DIR) + "/cli/cli_fixture.c";
    auto const r = run_both("probe -x " + quote(source) + " -F");
    BOOST_TEST(r.ours.status == 2);
    BOOST_TEST(r.ours.out.empty());
    BOOST_TEST(r.ours.err.starts_with("Failed to load symbols in /"), r.ours.err);
    BOOST_TEST(r.ours.err.ends_with("cli_fixture.c\n  Error: Failed to show functions.\n"));
    if (r.theirs)
        BOOST_TEST(r.ours.err == r.theirs->err);
}

BOOST_AUTO_TEST_CASE(a_bad_range_or_point_is_a_usage_error_in_perfs_words)
{
    auto const range = run_both("probe -x " + quote(fixture("cli-O0")) + " -L 'f:5-3'");
    BOOST_TEST(range.ours.status == 129);
    BOOST_TEST(range.ours.err.starts_with(
        "Semantic error :Start line must be smaller than end line.\n"), range.ours.err);
    BOOST_TEST(range.ours.err.find("    -L, --line <") != std::string::npos);
    // `--opt=VALUE` is not the word perf finds the option's help by
    auto const point = run_both("probe -x " + quote(fixture("cli-O0")) + " --vars=a@b@c");
    BOOST_TEST(point.ours.status == 129);
    BOOST_TEST(point.ours.err.starts_with("Semantic error :SRC@SRC is not allowed.\n"),
               point.ours.err);
    BOOST_TEST(point.ours.err.find("--vars <") == std::string::npos);
    if (range.theirs) {
        BOOST_TEST(range.ours.err == range.theirs->err);
        BOOST_TEST(point.ours.err == point.theirs->err);
    }
}

BOOST_AUTO_TEST_CASE(a_target_that_does_not_resolve_is_a_usage_error)
{
    auto const r = run_both("probe -x /nonexistent/probekit-target -F");
    BOOST_TEST(r.ours.status == 129);
    BOOST_TEST(r.ours.err.starts_with(
        "Failed to get the absolute path of /nonexistent/probekit-target: No such file"));
    BOOST_TEST(r.ours.err.find("    -x, --exec <executable|path>") != std::string::npos);
    if (r.theirs)
        BOOST_TEST(r.ours.err == r.theirs->err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(glibc)

BOOST_AUTO_TEST_CASE(lines_of_an_alias_are_found_through_its_address)
{
    auto const libc = libc_with_debuginfo();
    if (libc.empty())
        return; // said why
    // `malloc` is only a symbol; DWARF names the function `__libc_malloc`. Found through the
    // address, the range then fails on the missing source, as perf's does; a name found
    // nowhere fails earlier.
    auto const alias = run_both("probe -x " + libc + " -L malloc");
    BOOST_TEST(alias.ours.err ==
               "Failed to find source file path.\n  Error: Failed to show lines.\n");
    auto const unknown = run_both("probe -x " + libc + " -L no_such_function_here");
    BOOST_TEST(unknown.ours.err ==
               "Specified source line is not found.\n  Error: Failed to show lines.\n");
    if (alias.theirs) {
        BOOST_TEST(alias.ours.err == alias.theirs->err);
        BOOST_TEST(unknown.ours.err == unknown.theirs->err);
    }
}

BOOST_AUTO_TEST_CASE(externs_include_constants_of_any_form)
{
    auto const libc = libc_with_debuginfo();
    if (libc.empty())
        return; // said why
    // s_modfl.c's `static const long double one`: a DW_AT_const_value block
    auto const r = run_both("probe -x " + libc + " -V modfl --externs");
    BOOST_TEST_REQUIRE(r.ours.status == 0, r.ours.err);
    BOOST_TEST(r.ours.out.find("\t\tlong double\tone\n") != std::string::npos, r.ours.out);
    if (r.theirs)
        BOOST_TEST(r.ours.out == r.theirs->out);
}

BOOST_AUTO_TEST_SUITE_END()
