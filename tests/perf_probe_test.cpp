#include <probekit/perf_probe.hpp>

#define BOOST_TEST_MODULE perf_probe
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "support/counting_new.hpp"
#include "support/tsv.hpp"

#include <ostream>
#include <regex>
#include <string>

namespace bdata = boost::unit_test::data;
using probekit::test::tsv_row;

namespace probekit::test {
std::ostream& operator<<(std::ostream& os, tsv_row const& row)
{
    return os << "line " << row.line << ": '" << row["command"] << "'";
}
} // namespace probekit::test

namespace {

std::vector<tsv_row> rows_of(std::string const& file)
{
    auto rows = probekit::test::read_tsv(probekit::test::corpus_path(file));
    BOOST_TEST_REQUIRE(!rows.empty(), "corpus table " << file << " is missing or empty");
    return rows;
}

std::vector<tsv_row> const valid_rows = rows_of("perf-probe-valid.tsv");
std::vector<tsv_row> const invalid_rows = rows_of("perf-probe-invalid.tsv");

constexpr std::string_view line_prefix = "--line ";

/// The default group a row was recorded with: the binary of its trace note, else the
/// target its notes name (the corpus README: app fixture unless they say otherwise).
std::string default_group_of(tsv_row const& row)
{
    static std::regex const trace_path(R"(trace: [pr]:\S+ (/\S+):0x)");
    std::smatch match;
    auto const& notes = row["notes"];
    if (std::regex_search(notes, match, trace_path))
        return probekit::default_group_for_target(match[1].str());
    if (notes.find("-x libc") != std::string::npos)
        return "probe_libc";
    if (notes.starts_with("kernel") || row["source"].starts_with("torvalds/linux"))
        return "probe"; // the kernel's examples, recorded without a binary
    return "probe_app";
}

probekit::perf_probe_event normalized(probekit::perf_probe_event event, std::string const& group)
{
    probekit::apply_default_names(event, group);
    return event;
}

} // namespace

BOOST_AUTO_TEST_SUITE(perf_probe_corpus)

BOOST_DATA_TEST_CASE(every_valid_row_parses_to_its_canonical_form, bdata::make(valid_rows), row)
{
    std::string_view const command = row["command"];
    std::string const& expected = row["expected_canonical"];
    if (command.starts_with(line_prefix)) {
        auto const range = probekit::parse_line_range(command.substr(line_prefix.size()));
        BOOST_TEST_REQUIRE(range.has_value(), "rejected at " << range.error().offset << ": "
                                                             << range.error().message);
        return;
    }

    auto const event = probekit::parse_perf_probe(command);
    BOOST_TEST_REQUIRE(event.has_value(), "rejected at " << event.error().offset << ": "
                                                         << event.error().message);
    auto const canonical = probekit::synthesize_perf_probe(*event, default_group_of(row));
    if (!expected.empty())
        BOOST_TEST(canonical == expected);
}

BOOST_DATA_TEST_CASE(every_valid_row_survives_a_round_trip, bdata::make(valid_rows), row)
{
    std::string_view const command = row["command"];
    if (command.starts_with(line_prefix)) {
        auto const range = probekit::parse_line_range(command.substr(line_prefix.size()));
        BOOST_TEST_REQUIRE(range.has_value());
        std::string text;
        probekit::synthesize_line_range(*range, text);
        auto const again = probekit::parse_line_range(text);
        BOOST_TEST_REQUIRE(again.has_value(), "canonical '" << text << "' does not parse");
        BOOST_TEST((*again == *range), "'" << text << "' reads back differently");
        return;
    }

    auto const group = default_group_of(row);
    auto const first = probekit::parse_perf_probe(command);
    BOOST_TEST_REQUIRE(first.has_value());
    auto const canonical = probekit::synthesize_perf_probe(*first, group);
    auto const second = probekit::parse_perf_probe(canonical);
    BOOST_TEST_REQUIRE(second.has_value(), "canonical '" << canonical << "' does not parse");
    BOOST_TEST((normalized(*second, group) == normalized(*first, group)),
               "'" << canonical << "' reads back differently");
    BOOST_TEST(probekit::synthesize_perf_probe(*second, group) == canonical);
}

BOOST_DATA_TEST_CASE(invalid_rows_fail_at_the_stage_the_corpus_names, bdata::make(invalid_rows),
                     row)
{
    std::string_view command = row["command"];
    std::string const& stage = row["stage"];
    if (stage == "cli")
        return; // argv errors of `perf probe` itself; the CLI tests cover them
    bool const is_range = command.starts_with(line_prefix);
    if (is_range)
        command.remove_prefix(line_prefix.size());

    auto const error = is_range ? [&] {
        auto const r = probekit::parse_line_range(command);
        return r ? std::optional<probekit::parse_error>{} : r.error();
    }()
                                : [&] {
                                      auto const r = probekit::parse_perf_probe(command);
                                      return r ? std::optional<probekit::parse_error>{}
                                               : r.error();
                                  }();
    if (stage == "parse") {
        BOOST_TEST_REQUIRE(error.has_value(), "accepted, but perf rejects it when parsing");
        BOOST_TEST(error->offset <= command.size());
        BOOST_TEST(!error->message.empty());
        BOOST_TEST(!error->expected.empty());
    } else {
        // resolve / perf-fault rows are valid syntax that fails (or must not fail) later
        BOOST_TEST(!error.has_value(), "rejected at " << error->offset << ": "
                                                      << error->message);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(perf_probe_points)

struct rejection {
    std::string_view command;
    std::size_t offset;
    probekit::error_kind kind;
};

std::ostream& operator<<(std::ostream& os, rejection const& r)
{
    return os << "'" << r.command << "'";
}

rejection const rejections[] = {
    {"compute+4%return", 9, probekit::error_kind::conflict},
    {"compute:3+4", 9, probekit::error_kind::conflict},
    {"area:3;x", 6, probekit::error_kind::conflict},
    {"compute:1-foo", 9, probekit::error_kind::invalid},
    {"compute+abc", 8, probekit::error_kind::invalid},
    {"compute%foo", 8, probekit::error_kind::unsupported},
    {"foo-bar=compute", 3, probekit::error_kind::invalid},
    {"1ev=compute", 0, probekit::error_kind::invalid},
    {"grp:=compute", 4, probekit::error_kind::invalid},
    {":ev=compute", 0, probekit::error_kind::invalid},
    {"memcpy@@GLIBC_2.14", 7, probekit::error_kind::conflict},
    {"area:3:4", 6, probekit::error_kind::conflict},
    {"area p-x", 6, probekit::error_kind::invalid},
    {"area arr[", 9, probekit::error_kind::invalid},
    {"area p->x[a]", 10, probekit::error_kind::invalid},
    {"0x11zz", 4, probekit::error_kind::invalid},
    {"compute%return n", 15, probekit::error_kind::conflict},
    {"compute p->", 11, probekit::error_kind::invalid},
    {"@app.c", 6, probekit::error_kind::invalid},
    {"+4", 0, probekit::error_kind::invalid},
    {"%a;x", 2, probekit::error_kind::invalid},
    {"", 0, probekit::error_kind::invalid},
};

BOOST_DATA_TEST_CASE(each_rejection_names_the_position_of_the_fault, bdata::make(rejections), r)
{
    auto const event = probekit::parse_perf_probe(r.command);
    BOOST_TEST_REQUIRE(!event.has_value());
    BOOST_TEST(event.error().offset == r.offset);
    BOOST_TEST(event.error().kind == r.kind);
}

BOOST_AUTO_TEST_CASE(a_line_without_a_name_is_named_after_function_and_line_at_parse_time)
{
    auto const event = probekit::parse_perf_probe("compute:6 total");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST((event->point.naming == probekit::event_naming::from_line));
    BOOST_TEST(probekit::synthesize_perf_probe(*event, "probe_app") ==
               "probe_app:compute_L6=compute:6 total");
}

BOOST_AUTO_TEST_CASE(a_file_spec_needs_a_dot_before_its_line_and_no_function_separators)
{
    auto const file = probekit::parse_perf_probe("app.c:19");
    BOOST_TEST_REQUIRE(file.has_value());
    BOOST_TEST(!file->point.has_function);
    BOOST_TEST(file->point.file == "app.c");

    auto const function = probekit::parse_perf_probe("Makefile:3");
    BOOST_TEST_REQUIRE(function.has_value());
    BOOST_TEST(function->point.function == "Makefile");
    BOOST_TEST(function->point.line == 3u);
}

BOOST_AUTO_TEST_CASE(lazy_patterns_and_escapes_are_kept_where_perf_loses_them)
{
    auto const lazy = probekit::parse_perf_probe("compute;total+=strlen*");
    BOOST_TEST_REQUIRE(lazy.has_value());
    BOOST_TEST(lazy->point.lazy == "total+=strlen*");
    BOOST_TEST(probekit::synthesize_perf_probe(*lazy) == "compute;total+=strlen*");

    auto const escaped = probekit::parse_perf_probe("foo\\+bar.c:4");
    BOOST_TEST_REQUIRE(escaped.has_value());
    BOOST_TEST(probekit::unescape(escaped->point.file) == "foo+bar.c");
    BOOST_TEST(probekit::synthesize_perf_probe(*escaped) == "@foo\\+bar.c:4");
}

BOOST_AUTO_TEST_CASE(cxx_scopes_are_part_of_the_function_name)
{
    auto const event = probekit::parse_perf_probe("ns::Counter::bump:3");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(event->point.function == "ns::Counter::bump");
    BOOST_TEST(event->point.line == 3u);
}

BOOST_AUTO_TEST_CASE(names_made_from_cxx_functions_are_valid_identifiers)
{
    auto const event = probekit::parse_perf_probe("ns::Counter::bump:3");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(probekit::synthesize_perf_probe(*event) ==
               "probe:ns_Counter_bump_L3=ns::Counter::bump:3");
}

BOOST_AUTO_TEST_CASE(a_name_made_from_an_escaped_leading_digit_gets_a_leading_underscore)
{
    // Found by fuzz_perf_probe: the escape hid the first character from the digit rule, so
    // the name `0ab_L4` was written, which the parser itself refuses when it reads it back.
    auto const event = probekit::parse_perf_probe("\\0ab:4");
    BOOST_TEST_REQUIRE(event.has_value());
    auto const canonical = probekit::synthesize_perf_probe(*event);
    BOOST_TEST(canonical == "probe:_0ab_L4=\\0ab:4");
    BOOST_TEST(probekit::parse_perf_probe(canonical).has_value());
}

BOOST_AUTO_TEST_CASE(a_generated_name_over_63_characters_is_refused_at_parse_time)
{
    std::string const function(62, 'f');
    auto const event = probekit::parse_perf_probe(function + ":1");
    BOOST_TEST_REQUIRE(!event.has_value());
    BOOST_TEST(event.error().offset == 0u);
}

BOOST_AUTO_TEST_CASE(a_number_too_large_is_said_to_be_too_large)
{
    auto const line = probekit::parse_perf_probe("main:99999999999999999999");
    BOOST_TEST_REQUIRE(!line.has_value());
    BOOST_TEST(line.error().offset == 5u);
    BOOST_TEST(line.error().message == "the line number is too large");
    auto const offset = probekit::parse_perf_probe("main+99999999999999999999");
    BOOST_TEST_REQUIRE(!offset.has_value());
    BOOST_TEST(offset.error().message == "the offset is too large");
    // a digit after a number that did parse is a bad character, as before: "09" is octal
    auto const octal = probekit::parse_perf_probe("main:09");
    BOOST_TEST_REQUIRE(!octal.has_value());
    BOOST_TEST(octal.error().offset == 6u);
    BOOST_TEST(probekit::parse_perf_probe("main:18446744073709551615").has_value());
}

BOOST_AUTO_TEST_CASE(separators_inside_a_lazy_pattern_do_not_make_a_file_a_function)
{
    // perf 6.1 reads "app.cpp;count_+=*" as a function named "app.cpp" (fault F14).
    auto const event = probekit::parse_perf_probe("app.cpp;count_+=*");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(!event->point.has_function);
    BOOST_TEST(event->point.file == "app.cpp");
    BOOST_TEST(event->point.lazy == "count_+=*");
    auto const canonical = probekit::synthesize_perf_probe(*event);
    BOOST_TEST(canonical == "@app.cpp;count_+=*");
    BOOST_TEST((probekit::parse_perf_probe(canonical).value() == *event));

    // Before the ';' they still decide, as in perf: "app.cpp@src.c;x" is a function.
    auto const function = probekit::parse_perf_probe("app.cpp@src.c;x");
    BOOST_TEST_REQUIRE(function.has_value());
    BOOST_TEST(function->point.function == "app.cpp");
}

BOOST_AUTO_TEST_CASE(a_dotted_function_keeps_a_zero_offset_so_it_does_not_read_as_a_file)
{
    auto const event = probekit::parse_perf_probe("pp.c+;pattern");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(event->point.function == "pp.c");
    auto const canonical = probekit::synthesize_perf_probe(*event);
    BOOST_TEST(canonical == "pp.c+0;pattern");
    auto const again = probekit::parse_perf_probe(canonical);
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->point.function == "pp.c");
    BOOST_TEST(!again->point.has_file);
}

BOOST_AUTO_TEST_CASE(a_long_file_is_shortened_without_splitting_an_escape)
{
    // The last 30 characters start at the ':' of `\:`: a plain cut would leave a bare ':',
    // which reads back as a line separator (a fuzz find). The cut moves past the escape.
    std::string const file = std::string(40, 'a') + "\\:" + std::string(29, 'b');
    auto const event = probekit::parse_perf_probe("f@" + file);
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(event->point.file == file);
    auto const canonical = probekit::synthesize_perf_probe(*event);
    BOOST_TEST(canonical == "f@" + std::string(29, 'b'));
    auto const again = probekit::parse_perf_probe(canonical);
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->point.file == std::string(29, 'b'));
}

BOOST_AUTO_TEST_CASE(a_dotted_function_with_a_scope_keeps_its_zero_offset_without_a_line)
{
    // `a.c::f` alone would read as the file a.c at line `:f`: the '+0' must stay even
    // though the point has no line or pattern (fuzz_perf_probe caught a speed-up that
    // dropped it).
    auto const event = probekit::parse_perf_probe("a.c::f+0");
    BOOST_TEST_REQUIRE(event.has_value());
    auto const canonical = probekit::synthesize_perf_probe(*event);
    BOOST_TEST(canonical == "a.c::f+0");
    BOOST_TEST(probekit::parse_perf_probe(canonical).has_value());
}

BOOST_AUTO_TEST_CASE(sdt_references_take_a_group_an_event_and_a_target)
{
    auto const event = probekit::parse_perf_probe("%sdt_myprov:myev@/opt/app/bin/app");
    BOOST_TEST_REQUIRE(event.has_value());
    BOOST_TEST(event->point.is_sdt);
    BOOST_TEST(event->point.group == "sdt_myprov");
    BOOST_TEST(event->point.event == "myev");
    BOOST_TEST(event->point.sdt_target == "/opt/app/bin/app");

    auto const bare = probekit::parse_perf_probe("sdt_myprov:myev");
    BOOST_TEST_REQUIRE(bare.has_value());
    BOOST_TEST(bare->point.is_sdt);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(perf_probe_args)

BOOST_AUTO_TEST_CASE(user_access_comes_last_and_survives_synthesis)
{
    auto const event = probekit::parse_perf_probe("use_rec r->label:string@user");
    BOOST_TEST_REQUIRE(event.has_value());
    auto const& arg = event->args.at(0);
    BOOST_TEST(arg.user_access);
    BOOST_TEST(arg.type == "string");
    BOOST_TEST(arg.name == "label");
    BOOST_TEST(probekit::synthesize_perf_probe(*event) == "use_rec label=r->label:string@user");
}

BOOST_AUTO_TEST_CASE(an_index_only_chain_is_named_after_its_variable)
{
    auto const event = probekit::parse_perf_probe("process argv[0x1]:string");
    BOOST_TEST_REQUIRE(event.has_value());
    auto const& arg = event->args.at(0);
    BOOST_TEST(arg.name == "argv");
    BOOST_TEST_REQUIRE(arg.fields.size() == 1u);
    BOOST_TEST(arg.fields[0].index == 1);
}

BOOST_AUTO_TEST_CASE(more_than_128_arguments_are_refused_at_the_129th)
{
    std::string command = "area";
    for (int i = 0; i < 129; ++i)
        command += " w";
    auto const event = probekit::parse_perf_probe(command);
    BOOST_TEST_REQUIRE(!event.has_value());
    BOOST_TEST(event.error().offset == 4u + 128u * 2u + 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(perf_probe_view)

BOOST_AUTO_TEST_CASE(a_view_parse_with_caller_storage_allocates_nothing)
{
    static probekit::perf_probe_storage storage;
    std::size_t parsed = 0;
    probekit::test::allocation_counter const counter;
    for (auto const& row : valid_rows) {
        std::string_view const command = row["command"];
        if (command.starts_with(line_prefix))
            continue;
        parsed += probekit::parse_perf_probe(command, storage).has_value();
    }
    for (auto const& row : invalid_rows)
        (void)probekit::parse_perf_probe(row["command"], storage);
    BOOST_TEST(counter.count() == 0u);
    BOOST_TEST(parsed > 50u);
}

BOOST_AUTO_TEST_CASE(synthesis_into_a_reserved_string_allocates_nothing)
{
    static probekit::perf_probe_storage storage;
    auto const event = probekit::parse_perf_probe("grp:ev=compute:6@app.c x=p->x:u32 $comm",
                                                  storage);
    BOOST_TEST_REQUIRE(event.has_value());
    std::string out;
    out.reserve(256);
    probekit::test::allocation_counter const counter;
    probekit::synthesize_perf_probe(*event, out, "probe_app");
    BOOST_TEST(counter.count() == 0u);
    BOOST_TEST(out == "grp:ev=compute:6@app.c x=p->x:u32 $comm");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(line_ranges)

BOOST_AUTO_TEST_CASE(a_count_becomes_the_end_line_it_stands_for)
{
    auto const range = probekit::parse_line_range("app.c:20+4");
    BOOST_TEST_REQUIRE(range.has_value());
    BOOST_TEST(range->file == "app.c");
    BOOST_TEST(range->start == 20u);
    BOOST_TEST(range->end == 23u);
    std::string text;
    probekit::synthesize_line_range(*range, text);
    BOOST_TEST(text == "app.c:20-23");
}

BOOST_AUTO_TEST_CASE(a_name_that_is_neither_file_nor_function_is_refused_where_it_breaks)
{
    auto const range = probekit::parse_line_range("func;lazy\\*pattern");
    BOOST_TEST_REQUIRE(!range.has_value());
    BOOST_TEST(range.error().offset == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
