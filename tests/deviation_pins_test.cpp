// Pins of the perf 6.1 faults that probekit fixes on purpose (shared/docs/perf-6.1-faults.md;
// the oracle's cases marked `deviates=F<n>`), through the `probekit` CLI on the fixtures of
// tests/data/cli. Each case asserts what probekit must answer; where perf is installed the
// case also shows that perf 6.1 still answers otherwise, so the pin is not vacuous. F1 and
// F2 are pinned in probe_cli_cache_test.cpp; F6 and F7 in the library by dwarf_args_test.cpp
// (here through the CLI, on locals and globals too).
#include "support/cli.hpp"

#define BOOST_TEST_MODULE deviation_pins
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace probekit::test;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_CLI_FIXTURE_DIR) + "/" + name;
}

std::string const c_o0 = fixture("cli-O0");

/// `probekit probe -x BINARY -D SPEC` in an empty HOME of its own.
run_result define(std::string const& binary, std::string const& spec)
{
    scratch_dir home("probekit-pins");
    return run_probekit(home.path, "probe -x " + quote(binary) + " -D " + quote(spec));
}

/// The same through perf, or nullopt without perf.
std::optional<run_result> perf_define(std::string const& binary, std::string const& spec)
{
    if (!perf_usable())
        return std::nullopt;
    scratch_dir home("probekit-pins-perf");
    return run_perf(home.path, "probe -x " + quote(binary) + " -D " + quote(spec));
}

/// The value of `symbol` (a demangled name as `nm -C` prints it) as `0x...`, or "".
std::string symbol_address(std::string const& binary, std::string const& symbol)
{
    for (auto const& line : lines_of(run_shell("nm -C " + quote(binary)).out)) {
        // e.g. "0000000000001232 W shapes::Counter::~Counter()"
        if (line.size() > 19 && line.substr(19) == symbol) {
            auto const value = std::stoull(line.substr(0, 16), nullptr, 16);
            char text[32];
            std::snprintf(text, sizeof text, "0x%llx", value);
            return text;
        }
    }
    return "";
}

/// The event names and addresses of -D output: "GROUP/EVENT 0xADDR" per line.
std::vector<std::string> places(std::string const& out)
{
    std::vector<std::string> result;
    for (auto const& line : lines_of(out)) {
        // e.g. "p:probe_cli/step /path/cli-O0:0x1154 w=-28(%bp):s32"
        auto const name = line.find(':') + 1;
        auto const blank = line.find(' ');
        auto const addr = line.find(":0x", blank);
        auto const end = line.find(' ', addr);
        result.push_back(line.substr(name, blank - name) + " " +
                         line.substr(addr + 1, end == line.npos ? end : end - addr - 1));
    }
    return result;
}

/// The argument part of each -D line (after the address).
std::vector<std::string> arguments(std::string const& out)
{
    std::vector<std::string> result;
    for (auto const& line : lines_of(out)) {
        auto const addr = line.find(":0x", line.find(' '));
        auto const blank = line.find(' ', addr);
        result.push_back(blank == line.npos ? "" : line.substr(blank + 1));
    }
    return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(deviation_pins)

// --- F0: dry runs write nothing; PERF_BUILDID_DIR is honoured -----------------------------

BOOST_AUTO_TEST_CASE(f0_definitions_and_dry_runs_write_nothing_and_the_cache_goes_where_told)
{
    scratch_dir dir("probekit-pins-f0");
    fs::path const home = dir.path / "home";
    fs::path const elsewhere = dir.path / "elsewhere";
    fs::create_directories(home);
    std::string const x = " -x " + quote(c_o0) + " ";
    auto const env = "HOME=" + quote(home.string()) + " PERF_BUILDID_DIR=" +
                     quote(elsewhere.string()) + " " + PROBEKIT_TOOL_PATH + " ";

    auto const defined = run_shell(env + "probe" + x + "-D 'step w' -D 'step%return'");
    BOOST_TEST(defined.status == 0, defined.err);
    BOOST_TEST(lines_of(defined.out).size() == 2u);
    auto const dry = run_shell(env + "probe -n" + x + "-a 'step w'");
    BOOST_TEST(dry.status == 0, dry.err);
    BOOST_TEST(fs::is_empty(home));
    BOOST_TEST(!fs::exists(elsewhere));

    auto const cached = run_shell(env + "probe --cache -n" + x + "-a 'step w'");
    BOOST_TEST(cached.status == 0, cached.err);
    BOOST_TEST(fs::is_empty(home)); // not $HOME/.debug: PERF_BUILDID_DIR
    BOOST_TEST(read_text(the_probes_file(elsewhere)).starts_with("#step w\n"));

    if (perf_usable()) { // perf 6.1 writes $HOME/.debug, PERF_BUILDID_DIR or not
        fs::path const perf_home = dir.path / "perf";
        fs::create_directories(perf_home);
        run_shell("HOME=" + quote(perf_home.string()) + " PERF_BUILDID_DIR=" +
                  quote(elsewhere.string()) + " perf probe" + x + "-D 'step w'");
        BOOST_TEST(!the_probes_file(perf_home / ".debug").empty());
    }
}

// --- F3: lazy patterns survive in the cache -----------------------------------------------

BOOST_AUTO_TEST_CASE(f3_lazy_patterns_are_kept_in_the_cache_and_a_bad_header_spoils_nothing)
{
    scratch_dir home("probekit-pins-f3");
    std::string const x = " -x " + quote(c_o0) + " ";
    auto const added = run_probekit(home.path, "probe --cache -n" + x +
                                                   "--add 'lazy=step;g_total+=*' "
                                                   "--add 'cli_fixture.c;g_total*' "
                                                   "--add 'myev=step w'");
    BOOST_TEST_REQUIRE(added.status == 0, added.err);
    BOOST_TEST(added.err.find("(on step;g_total+=* in ") != std::string::npos, added.err);

    fs::path const probes = the_probes_file(home.path / ".debug");
    std::string const text = read_text(probes);
    // perf 6.1 writes "#probe_cli:lazy=step" and "#@cli_fixture.c"
    BOOST_TEST(text.find("#probe_cli:lazy=step;g_total+=*\np:probe_cli/lazy ") !=
                   std::string::npos,
               text);
    BOOST_TEST(text.find("#@cli_fixture.c;g_total*\np:probe_cli/step ") != std::string::npos,
               text);
    auto const listed = run_probekit(home.path, "probe --cache -l");
    BOOST_TEST(listed.status == 0, listed.err);
    BOOST_TEST(lines_of(listed.out) ==
                   (std::vector<std::string>{lines_of(listed.out).at(0),
                                             "probe_cli:lazy=step;g_total+=*",
                                             "@cli_fixture.c;g_total*", "probe_cli:myev=step w"}),
               listed.out);

    // the lazy entry is found again: the command with another pattern is not it
    auto const lazy_again = run_probekit(home.path, "probe" + x + "-D 'lazy=step;g_total+=*'");
    BOOST_TEST(lazy_again.out == lines_of(text).at(1) + "\n" + lines_of(text).at(2) + "\n");
    auto const other = run_probekit(home.path, "probe" + x + "-D 'lazy=step;return*'");
    BOOST_TEST(other.status == 0, other.err);
    BOOST_TEST(other.out != lazy_again.out);

    // A header perf 6.1 could have written: reported with its line; the rest still listed.
    write_text(probes, "#probe_cli:bad=step:1:2\n" + text);
    auto const spoiled = run_probekit(home.path, "probe --cache -l");
    BOOST_TEST(spoiled.status == 0, spoiled.err);
    BOOST_TEST(spoiled.err.find(probes.string() + ":1:") != std::string::npos, spoiled.err);
    BOOST_TEST(spoiled.out.find("probe_cli:myev=step w\n") != std::string::npos, spoiled.out);
    auto const used = run_probekit(home.path, "probe" + x + "-D 'myev=step w'");
    BOOST_TEST(used.status == 0, used.err);
    BOOST_TEST(used.out == lines_of(text).back() + "\n");
}

// --- F4: an unmatched lazy pattern is an error ---------------------------------------------

BOOST_AUTO_TEST_CASE(f4_a_lazy_pattern_that_matches_nothing_is_an_error)
{
    std::pair<char const*, char const*> const cases[] = {
        {"step;no_such_line*", "step"}, {"cli_fixture.c;no_such_line*", "cli_fixture.c"}};
    for (auto const& [spec, where] : cases) {
        auto const ours = define(c_o0, spec);
        BOOST_TEST(ours.status != 0, spec);
        BOOST_TEST(ours.out.empty(), ours.out);
        std::string const message = "No line matches the lazy pattern 'no_such_line*' in ";
        BOOST_TEST(ours.err.find(message + where + ".") != std::string::npos, ours.err);
    }
    // the same pattern that matches gives the matching lines, not the entry
    auto const matched = define(c_o0, "step;g_total+=*");
    BOOST_TEST(matched.status == 0);
    auto const entry = define(c_o0, "step");
    BOOST_TEST(places(matched.out).size() == 2u, matched.out);
    for (auto const& place : places(matched.out))
        BOOST_TEST(place != places(entry.out).at(0));
    if (auto const theirs = perf_define(c_o0, "step;no_such_line*"))
        BOOST_TEST(places(theirs->out) == places(entry.out)); // perf 6.1: the entry (F4)
}

// --- F5: blanks end a lazy pattern --------------------------------------------------------

BOOST_AUTO_TEST_CASE(f5_a_pattern_cut_by_a_blank_names_the_tokens_taken_as_arguments)
{
    // "step;g_total += *" is the pattern "g_total" and the arguments "+=" and "*"
    auto const cut = define(c_o0, "step;g_total += *");
    BOOST_TEST(cut.status != 0);
    BOOST_TEST(cut.err.find("A blank ends the lazy pattern: '+=' '*' were taken as arguments") !=
                   std::string::npos,
               cut.err);
    BOOST_TEST(cut.err.find("';g_total+=*'") != std::string::npos, cut.err);
    // ... and the pattern it suggests is the one that matches
    BOOST_TEST(define(c_o0, "step;g_total+=*").status == 0);
    // a pattern that matches nothing, followed by real arguments, gets no such note
    auto const plain = define(c_o0, "step;no_such_line* w");
    BOOST_TEST(plain.err.find("A blank ends") == std::string::npos, plain.err);
}

// --- F6: bitfields, DWARF 4 and 5, in locals, through pointers and in globals --------------

BOOST_AUTO_TEST_CASE(f6_bitfields_are_lsb_offsets_in_dwarf_4_and_5)
{
    // struct flags { ready:1; mode:3; delta:5; rest:23 }: the kernel counts from the LSB
    for (char const* binary : {"cli-O0", "cli-O0-dwarf4"}) {
        BOOST_TEST_CONTEXT(binary)
        {
            auto const local = define(fixture(binary), "check_flags copy.mode copy.delta f->rest");
            BOOST_TEST_REQUIRE(local.status == 0, local.err);
            auto const args = arguments(local.out).at(0);
            BOOST_TEST(args.find("mode=") == 0u, args);
            BOOST_TEST(args.find(":b3@1/32 delta=") != std::string::npos, args);
            BOOST_TEST(args.find(":b5@4/32 rest=+0(") != std::string::npos, args);
            BOOST_TEST(args.ends_with(":b23@9/32"), args);

            auto const global = define(fixture(binary), "main g_flags.ready g_flags.mode");
            BOOST_TEST_REQUIRE(global.status == 0, global.err);
            BOOST_TEST(arguments(global.out).at(0) ==
                       "ready=@g_flags+0:b1@0/32 mode=@g_flags+0:b3@1/32");
        }
    }
    if (auto const theirs = perf_define(c_o0, "main g_flags.mode")) // DWARF 5
        BOOST_TEST(theirs->err.find("Failed to get the offset of mode.") != std::string::npos);
}

// --- F7: argument names and types ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(f7_default_names_are_identifiers_and_unknown_types_are_refused)
{
    auto const bits = define(c_o0, "step p:b8@0/64");
    BOOST_TEST_REQUIRE(bits.status == 0, bits.err);
    BOOST_TEST(arguments(bits.out).at(0).starts_with("p_b8_0_64="), bits.out); // perf: p_b8@0/64
    for (char const* spec : {"step w:u128", "step w:"}) {
        auto const ours = define(c_o0, spec);
        BOOST_TEST(ours.status != 0, spec);
        BOOST_TEST(ours.out.empty());
        std::string const type = std::string(spec).substr(std::string(spec).find(':') + 1);
        BOOST_TEST(ours.err.find("Unknown type '" + type + "' of 'w'. Valid types: u8 ") !=
                       std::string::npos,
                   ours.err);
    }
}

// --- F8: one line number per probe point ---------------------------------------------------

BOOST_AUTO_TEST_CASE(f8_two_line_numbers_are_refused)
{
    for (char const* spec : {"step:2:3", "step@cli_fixture.c:2:3"}) {
        auto const ours = define(c_o0, spec);
        BOOST_TEST(ours.status != 0, spec);
        BOOST_TEST(ours.out.empty(), ours.out);
        BOOST_TEST(ours.err.find("Semantic error :a probe point takes one line number") == 0u,
                   ours.err);
        if (auto const theirs = perf_define(c_o0, spec)) // perf 6.1: the last line wins
            BOOST_TEST(theirs->out.find("/step_L3 ") != std::string::npos, theirs->out);
    }
}

// --- F10: --cache -d is perf's filter; -n is a dry run; nothing matched is said ------------

BOOST_AUTO_TEST_CASE(f10_cache_delete_dry_runs_and_says_when_nothing_matched)
{
    scratch_dir home("probekit-pins-f10");
    auto const added = run_probekit(home.path, "probe --cache -n -x " + quote(c_o0) +
                                                   " --add 'ev1=step w' --add 'step%return'");
    BOOST_TEST_REQUIRE(added.status == 0, added.err);
    fs::path const probes = the_probes_file(home.path / ".debug");
    std::string const before = read_text(probes);

    auto const dry = run_probekit(home.path, "probe --cache -n -d 'probe_cli:ev1'");
    BOOST_TEST(dry.status == 0, dry.err);
    BOOST_TEST(dry.err == "Would remove cached event: probe_cli:ev1=step w\n");
    BOOST_TEST(read_text(probes) == before);

    // as perf: the event alone is no `group:event`, so `ev1` matches nothing
    for (char const* filter : {"ev1", "nomatch*"}) {
        auto const none = run_probekit(home.path, std::string("probe --cache -d '") + filter + "'");
        BOOST_TEST(none.err == std::string("probekit: info: no cached event matches '") +
                                   filter + "'\n");
        BOOST_TEST(read_text(probes) == before);
    }
    // an entry without a name is matched on its command text
    auto const unnamed = run_probekit(home.path, "probe --cache -d 'step%*'");
    BOOST_TEST(unnamed.err == "Removed cached event: step%return\n");
    BOOST_TEST(read_text(probes).find("step%return") == std::string::npos);
    BOOST_TEST(read_text(probes).starts_with("#probe_cli:ev1=step w\n"));
}

// --- F13: %return through DWARF -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(f13_return_probes_are_resolved_through_dwarf_so_src_counts)
{
    // two static `helper`s; @SRC names one (perf 6.1 reads the symbol table: both)
    auto const entry = define(c_o0, "helper@cli_fixture_util.c");
    BOOST_TEST_REQUIRE(entry.status == 0, entry.err);
    BOOST_TEST_REQUIRE(places(entry.out).size() == 1u, entry.out);
    std::string const address = places(entry.out)[0].substr(places(entry.out)[0].find(' '));
    auto const ret = define(c_o0, "helper@cli_fixture_util.c%return $retval");
    BOOST_TEST_REQUIRE(ret.status == 0, ret.err);
    BOOST_TEST(places(ret.out) == std::vector<std::string>{"probe_cli/helper__return" + address});
    BOOST_TEST(ret.out.starts_with("r:"));
    BOOST_TEST(arguments(ret.out).at(0) == "$retval");
    BOOST_TEST(places(define(c_o0, "helper%return").out).size() == 2u); // without @SRC: both
    if (auto const theirs = perf_define(c_o0, "helper@cli_fixture_util.c%return $retval"))
        BOOST_TEST(places(theirs->out).size() == 2u, theirs->out);

    // At -O2 `square` exists only inlined: it has no return to probe, and that is said.
    auto const inlined = define(fixture("cli-O2"), "square%return");
    BOOST_TEST(inlined.status != 0);
    BOOST_TEST(inlined.out.empty());
    BOOST_TEST(inlined.err.find("Failed to find symbol square in " + fixture("cli-O2")) == 0u,
               inlined.err);
}

// --- F14: C++ names ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(f14_cxx_destructors_templates_operators_lambdas_and_members_resolve)
{
    std::string const cxx = fixture("cli-cxx-O0");
    struct {
        char const* spec;
        char const* event;
        char const* symbol; ///< as `nm -C` prints it
    } const cases[] = {
        {"~Counter", "Counter_dtor", "shapes::Counter::~Counter()"},
        {"largest<int>", "largest_int", "int largest<int>(int, int)"},
        {"operator()", "operator_call", "run_lambda(int)::{lambda(int)#1}::operator()(int) const"},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.spec)
        {
            auto const ours = define(cxx, c.spec);
            BOOST_TEST_REQUIRE(ours.status == 0, ours.err);
            std::string const address = symbol_address(cxx, c.symbol);
            BOOST_TEST_REQUIRE(!address.empty());
            BOOST_TEST(places(ours.out).at(0) ==
                       std::string("probe_cli/") + c.event + " " + address);
            if (auto const theirs = perf_define(cxx, c.spec)) // perf 6.1: an invalid event name
                BOOST_TEST(theirs->err.find("is an invalid event name") != std::string::npos);
        }
    }

    // the lambda's own line: every row of it, in the lambda's operator()
    auto const lambda = define(cxx, "cli_fixture_cxx.cpp:39");
    BOOST_TEST_REQUIRE(lambda.status == 0, lambda.err);
    auto const at = places(lambda.out);
    BOOST_TEST_REQUIRE(!at.empty());
    std::string const lambda_symbol = "run_lambda(int)::{lambda(int)#1}::operator()(int) const";
    BOOST_TEST(at[0] == "probe_cli/operator_call " + symbol_address(cxx, lambda_symbol));
    for (auto const& place : at)
        BOOST_TEST((place.starts_with("probe_cli/operator_call 0x") ||
                    place.starts_with("probe_cli/run_lambda 0x")),
                   place);

    // a member through `this` (perf 6.1: "this is not a data structure nor a union.")
    auto const member = define(cxx, "bump this->count_ by");
    BOOST_TEST_REQUIRE(member.status == 0, member.err);
    auto const args = arguments(member.out).at(0);
    BOOST_TEST(args.starts_with("count_=+0("), args);
    BOOST_TEST(args.find(":s32 by=") != std::string::npos, args);
}

BOOST_AUTO_TEST_CASE(f14_qualified_names_resolve_through_their_scopes)
{
    std::string const cxx = fixture("cli-cxx-O0");
    // The unqualified name finds it as perf does; the qualified ones must find that place.
    auto const plain = define(cxx, "bump");
    BOOST_TEST_REQUIRE(plain.status == 0, plain.err);
    std::string const place = places(plain.out).at(0);
    std::string const address = place.substr(place.find(' '));
    struct {
        char const* spec;
        char const* event;
    } const cases[] = {
        {"shapes::Counter::bump", "shapes_Counter_bump"}, // the whole scope
        {"Counter::bump", "Counter_bump"},                 // its innermost scopes
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.spec)
        {
            auto const ours = define(cxx, c.spec);
            BOOST_TEST_REQUIRE(ours.status == 0, ours.err);
            auto const at = places(ours.out);
            BOOST_TEST_REQUIRE(at.size() == 1u);
            BOOST_TEST(at[0] == std::string("probe_cli/") + c.event + address);
            if (auto const theirs = perf_define(cxx, c.spec)) // perf 6.1: not found
                BOOST_TEST(theirs->status != 0);
        }
    }
    BOOST_TEST(arguments(define(cxx, "Counter::bump by").out).at(0) ==
               arguments(define(cxx, "bump by").out).at(0));

    // A scope that is not the function's, or only part of a scope's name, finds nothing.
    BOOST_TEST(define(cxx, "Doubler::bump").status != 0);
    BOOST_TEST(define(cxx, "ounter::bump").status != 0);

    // A destructor by its qualified name, and a line in a qualified function.
    auto const dtor = define(cxx, "Counter::~Counter");
    BOOST_TEST_REQUIRE(dtor.status == 0, dtor.err);
    BOOST_TEST(places(dtor.out).at(0).starts_with("probe_cli/Counter_Counter_dtor 0x"));
    auto const line = define(cxx, "shapes::Counter::bump:2");
    BOOST_TEST_REQUIRE(line.status == 0, line.err);
    BOOST_TEST(places(line.out).at(0).starts_with("probe_cli/shapes_Counter_bump_L2 0x"));
}

BOOST_AUTO_TEST_SUITE_END()
