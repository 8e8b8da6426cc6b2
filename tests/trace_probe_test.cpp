#include <probekit/trace_probe.hpp>

#define BOOST_TEST_MODULE trace_probe
#include "support/counting_new.hpp"
#include "trace_corpus.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace {

using namespace probekit;
namespace bdata = boost::unit_test::data;

std::string const corpus_dir = PROBEKIT_TEST_DATA_DIR "/corpus";

std::vector<test::trace_row> const& valid_rows()
{
    static auto const rows = test::read_trace_rows(corpus_dir, true);
    return rows;
}

std::vector<test::trace_row> parse_stage_invalid_rows()
{
    std::vector<test::trace_row> rows;
    for (auto& row : test::read_trace_rows(corpus_dir, false))
        if (row.stage == "parse")
            rows.push_back(row);
    return rows;
}

trace_kind kind_of(test::trace_row const& row) { return *parse_trace_kind(row.kind); }

std::string synthesize(trace_probe_event const& ev)
{
    std::string out;
    synthesize_trace_probe(ev, out);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(trace_probe)

BOOST_AUTO_TEST_CASE(the_corpus_files_are_there)
{
    BOOST_TEST(valid_rows().size() >= 100u);
    BOOST_TEST(parse_stage_invalid_rows().size() >= 150u);
}

BOOST_DATA_TEST_CASE(every_valid_row_is_accepted_and_its_canonical_form_reads_back_to_itself,
                     bdata::make(valid_rows()), row)
{
    auto const kind = kind_of(row);
    auto const ev = parse_trace_probe(row.command, kind);
    BOOST_TEST_REQUIRE(ev.has_value(), "rejected at " << (ev ? 0 : ev.error().offset) << ": "
                                                      << (ev ? "" : ev.error().message));
    BOOST_TEST(ev->kind == kind);

    auto const canonical = synthesize(*ev);
    auto const again = parse_trace_probe(canonical, kind);
    BOOST_TEST_REQUIRE(again.has_value(), "canonical form rejected: " << canonical);
    BOOST_TEST(synthesize(*again) == canonical);
    BOOST_TEST((*again == *ev), "canonical form parses to another event: " << canonical);

    // dynamic_events decides the same kind (a removal by name alone has none).
    auto const automatic = parse_trace_probe(row.command, trace_kind::automatic);
    BOOST_TEST_REQUIRE(automatic.has_value());
    if (automatic->has_place)
        BOOST_TEST(automatic->kind == kind);
}

BOOST_DATA_TEST_CASE(every_invalid_parse_row_is_rejected_where_the_kernel_points,
                     bdata::make(parse_stage_invalid_rows()), row)
{
    auto const ev = parse_trace_probe(row.command, kind_of(row));
    if (auto const reason = test::accepted_on_purpose(row.command); !reason.empty()) {
        BOOST_TEST_MESSAGE("accepted on purpose: " << reason);
        BOOST_TEST(ev.has_value());
        return;
    }
    BOOST_TEST_REQUIRE(!ev.has_value(), "accepted");
    if (row.error_pos)
        BOOST_TEST(ev.error().offset == *row.error_pos);
    if (!row.error_name.empty())
        BOOST_TEST(ev.error().code == row.error_name);
}

BOOST_AUTO_TEST_CASE(a_view_parse_allocates_nothing)
{
    static trace_probe_storage storage;
    std::string const lines[] = {
        "p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32 label=+0(-40(%bp)):string",
        "r:probe_libc/abs /usr/lib/libc.so.6:0x3d0b0 arg1=$retval:s32",
        "p vfs_read +0(+10(+20($stack))):u8[4] @_sdata-10 \\\"str\" \\-5 $stack0:b4@4/32",
        "p /bin/sh:10 +0(%ax):u8[0]",  // an error
    };
    std::size_t total = 0;
    for (auto const& line : lines) {
        test::allocation_counter const counter;
        auto const ev = parse_trace_probe(line, trace_kind::automatic, storage);
        total += counter.count();
        (void)ev;
    }
    BOOST_TEST(total == 0u);
}

BOOST_AUTO_TEST_CASE(an_argument_is_a_tree_of_base_dereferences_and_type)
{
    trace_probe_storage storage;
    auto const ev = parse_trace_probe("p:ev /bin/app:0x1178 x=+8(-u24(%bp)):b3@2/32[4]",
                                      trace_kind::uprobe, storage);
    BOOST_TEST_REQUIRE(ev.has_value());
    auto const& arg = ev->args[0];
    BOOST_TEST(arg.name == "x");
    BOOST_TEST((arg.base == fetch_base::reg));
    BOOST_TEST(arg.text == "bp");
    BOOST_TEST_REQUIRE(arg.derefs.size() == 2u);
    BOOST_TEST(arg.derefs[0].offset == -24);
    BOOST_TEST(arg.derefs[0].user);
    BOOST_TEST(arg.derefs[1].offset == 8);
    BOOST_TEST(!arg.derefs[1].user);
    BOOST_TEST((arg.type.kind == fetch_type_kind::bitfield));
    BOOST_TEST(arg.type.bit_width == 3);
    BOOST_TEST(arg.type.bit_offset == 2);
    BOOST_TEST(arg.type.bits == 32);
    BOOST_TEST(arg.type.array_count == 4);
}

BOOST_AUTO_TEST_CASE(the_kernel_zero_padded_listing_reads_back_as_perf_writes_it)
{
    auto const ev = parse_trace_probe(
        "r:grp/ev /bin/sh:0x0000000000001178 arg1=$retval", trace_kind::automatic);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST(ev->place.address == 0x1178u);
    BOOST_TEST(synthesize(*ev) == "r:grp/ev /bin/sh:0x1178 arg1=$retval");
}

BOOST_AUTO_TEST_CASE(a_hand_built_event_synthesizes_perf_6_1_line)
{
    trace_probe_event ev;
    ev.kind = trace_kind::uprobe;
    ev.group = "probe_app";
    ev.event = "area";
    ev.place.path = "/bin/app";
    ev.place.address = 0x115d;
    ev.args.push_back({.name = "x", .base = fetch_base::reg, .text = "bp",
                       .derefs = {{.offset = -24}, {.offset = 0}},
                       .type = {.kind = fetch_type_kind::signed_int, .bits = 32}});
    ev.args.push_back({.name = "g", .base = fetch_base::symbol, .text = "global_rec",
                       .offset = 16, .derefs = {{.offset = 0}},
                       .type = {.kind = fetch_type_kind::string}});
    ev.args.push_back({.name = "u", .base = fetch_base::reg, .text = "bp",
                       .derefs = {{.offset = -24}, {.offset = 16, .user = true}}});
    BOOST_TEST(synthesize(ev) == "p:probe_app/area /bin/app:0x115d x=+0(-24(%bp)):s32 "
                                 "g=+0(@global_rec+16):string u=+u16(-24(%bp))");
}

BOOST_AUTO_TEST_CASE(a_kprobe_symbol_is_written_with_its_offset_as_perf_does)
{
    auto const ev = parse_trace_probe("p:probe/vfs_read vfs_read a=%di", trace_kind::automatic);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST((ev->kind == trace_kind::kprobe));
    BOOST_TEST(synthesize(*ev) == "p:probe/vfs_read vfs_read+0 a=%di");
}

BOOST_AUTO_TEST_CASE(a_uprobe_return_suffix_becomes_an_r_line)
{
    auto const ev = parse_trace_probe("p:grp/ev /bin/sh:0x1178%return $retval",
                                      trace_kind::automatic);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST(ev->retprobe);
    BOOST_TEST(synthesize(*ev) == "r:grp/ev /bin/sh:0x1178 $retval");
}

BOOST_AUTO_TEST_CASE(a_removal_keeps_the_return_suffix_of_its_place)
{
    auto const ev = parse_trace_probe("-:ev /bin/sh:1078%return", trace_kind::automatic);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST(ev->remove);
    BOOST_TEST(synthesize(*ev) == "-:ev /bin/sh:0x436%return");
}

BOOST_AUTO_TEST_CASE(maxactive_on_a_kprobe_entry_is_rejected_at_the_digits)
{
    auto const ev = parse_trace_probe("p100 vfs_read", trace_kind::kprobe);
    BOOST_TEST_REQUIRE(!ev.has_value());
    BOOST_TEST(ev.error().offset == 1u);
    BOOST_TEST(ev.error().code == "MAXACT_NO_KPROBE");
}

BOOST_AUTO_TEST_CASE(the_uprobe_parser_ignores_maxactive_and_the_name_after_it)
{
    auto const ev = parse_trace_probe("r5:specw/e1 /bin/sh:0x1159", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST(ev->event.empty());
    BOOST_TEST(ev->maxactive == 0u);
}

BOOST_AUTO_TEST_CASE(a_default_argument_name_counts_as_used)
{
    auto const ev = parse_trace_probe("p /bin/sh:10 arg2=%ax %bx", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(!ev.has_value());
    BOOST_TEST(ev.error().code == "USED_ARG_NAME");
    BOOST_TEST(ev.error().offset == 22u);
}

BOOST_AUTO_TEST_CASE(a_reserved_field_name_cannot_name_an_argument)
{
    auto const ev = parse_trace_probe("p /bin/sh:10 common_pid=%di", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(!ev.has_value());
    BOOST_TEST(ev.error().code == "USED_ARG_NAME");
}

BOOST_AUTO_TEST_CASE(an_eprobe_keeps_its_filter)
{
    auto const ev = parse_trace_probe(
        "e:ep syscalls.sys_enter_openat f=$filename:ustring if dfd == 3", trace_kind::automatic);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST((ev->kind == trace_kind::eprobe));
    BOOST_TEST(ev->filter == "dfd == 3");
    BOOST_TEST(synthesize(*ev) ==
               "e:ep syscalls/sys_enter_openat f=$filename:ustring if dfd == 3");
}

BOOST_AUTO_TEST_CASE(an_integer_array_cannot_be_read_from_user_memory_but_a_string_one_can)
{
    auto const ints = parse_trace_probe("p /bin/sh:10 +u0(%ax):u8[3]", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(!ints.has_value());
    BOOST_TEST(ints.error().code == "BAD_STRING");
    BOOST_TEST(ints.error().offset == 25u); // the kernel's offset is 3 into the brace
    BOOST_TEST(parse_trace_probe("p /bin/sh:10 +u0(%ax):string[2]", trace_kind::uprobe)
                   .has_value());
}

BOOST_AUTO_TEST_CASE(the_place_is_judged_before_the_event_name_as_the_kernel_does)
{
    auto const ev = parse_trace_probe("p:g/1e /bin/sh:1x", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(!ev.has_value());
    BOOST_TEST(ev.error().code == "BAD_UPROBE_OFFS");
}

BOOST_AUTO_TEST_CASE(a_dereference_offset_takes_one_sign_only)
{
    BOOST_TEST(!parse_trace_probe("p /bin/sh:10 -+1(%ax)", trace_kind::uprobe).has_value());
    BOOST_TEST(parse_trace_probe("p /bin/sh:10 +-1(%ax)", trace_kind::uprobe).has_value());
    BOOST_TEST(parse_trace_probe("p /bin/sh:10 -9223372036854775808(%ax)", trace_kind::uprobe)
                   .has_value());
}

// fuzz_trace_probe: the shift the kernel keeps after a dereference put the caret of a
// bad type at the end of the line past the text ("p d +444(k):b/16" gave offset 17).
BOOST_AUTO_TEST_CASE(an_integer_type_takes_digits_only)
{
    // "u2," once read as u16 ('2' * 10 + ',' is 16); the kernel has no such type.
    for (std::string_view const line : {"p /bin/sh:0x10 x=%di:u2,", "p /bin/sh:0x10 x=%di:s1:"}) {
        auto const ev = parse_trace_probe(line, trace_kind::uprobe);
        BOOST_TEST_REQUIRE(!ev.has_value(), line);
        BOOST_TEST(ev.error().code == "BAD_TYPE", line);
    }
    BOOST_TEST(parse_trace_probe("p /bin/sh:0x10 x=%di:u16", trace_kind::uprobe).has_value());
}

BOOST_AUTO_TEST_CASE(an_error_after_a_dereference_stays_inside_the_line)
{
    for (std::string_view const line : {"p d +444(k):b/16", "p /bin/sh:10 +0x4444(%ax):b/16"}) {
        auto const ev = parse_trace_probe(line, line[2] == '/' ? trace_kind::uprobe
                                                               : trace_kind::kprobe);
        BOOST_TEST_REQUIRE(!ev.has_value());
        BOOST_TEST(ev.error().code == "BAD_BITFIELD");
        BOOST_TEST(ev.error().offset == line.size());
    }
    // Where the shifted caret is still inside the line, it is the kernel's.
    auto const ev = parse_trace_probe("p d +4(k):b/16", trace_kind::kprobe);
    BOOST_TEST_REQUIRE(!ev.has_value());
    BOOST_TEST(ev.error().offset == 13u);
}

// fuzz_trace_probe: perf writes a negative user offset as "+u-1(", a byte longer than the
// "-u1(" the kernel also takes, so a 63-byte argument came back 64 bytes long and rejected.
BOOST_AUTO_TEST_CASE(a_negative_user_offset_keeps_a_full_length_argument_readable)
{
    std::string body = "-u1(";
    for (int i = 0; i < 13; ++i)
        body += "+0(";
    body += "%ax" + std::string(14, ')') + ":x8";
    BOOST_TEST_REQUIRE(body.size() == 63u);
    std::string const line = "p /bin/sh:0x10 " + body;
    auto const ev = parse_trace_probe(line, trace_kind::uprobe);
    BOOST_TEST_REQUIRE(ev.has_value());
    BOOST_TEST(synthesize(*ev) == line);
    BOOST_TEST(parse_trace_probe(synthesize(*ev), trace_kind::uprobe).has_value());
    // Below the limit perf's spelling stays.
    auto const short_ev = parse_trace_probe("p /bin/sh:0x10 -u1(+0(%ax))", trace_kind::uprobe);
    BOOST_TEST_REQUIRE(short_ev.has_value());
    BOOST_TEST(synthesize(*short_ev) == "p /bin/sh:0x10 +u-1(+0(%ax))");
}

BOOST_AUTO_TEST_CASE(the_kind_names_read_back)
{
    for (auto const kind : {trace_kind::automatic, trace_kind::kprobe, trace_kind::uprobe,
                            trace_kind::eprobe, trace_kind::fprobe, trace_kind::tprobe})
        BOOST_TEST((parse_trace_kind(to_string(kind)) == kind));
    BOOST_TEST(!parse_trace_kind("kretprobe").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
