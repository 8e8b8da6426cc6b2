// perf_probe_list: what it keeps is what a parse gives, with the list's own copy of the
// text, in few allocations and few bytes.
#include <probekit/perf_probe_list.hpp>

#define BOOST_TEST_MODULE perf_probe_list
#include <boost/test/unit_test.hpp>

#include "support/counting_new.hpp"
#include "support/tsv.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

/// Every command of the corpus tables that parses (the `--line` rows are line ranges).
std::vector<std::string> const& corpus_commands()
{
    static std::vector<std::string> const commands = [] {
        std::vector<std::string> out;
        probekit::perf_probe_storage storage;
        for (auto const* table : {"perf-probe-valid.tsv", "perf-probe-invalid.tsv"})
            for (auto const& row :
                 probekit::test::read_tsv(probekit::test::corpus_path(table))) {
                std::string const& command = row["command"];
                if (!command.starts_with("--line ") &&
                    probekit::parse_perf_probe(command, storage))
                    out.push_back(command);
            }
        return out;
    }();
    return commands;
}

template <typename Strings>
std::string synthesized(probekit::basic_perf_probe_event<Strings> const& event)
{
    return probekit::synthesize_perf_probe(event, "probe_app");
}

} // namespace

BOOST_AUTO_TEST_CASE(every_corpus_command_views_back_as_it_parses)
{
    auto const& commands = corpus_commands();
    BOOST_TEST_REQUIRE(commands.size() >= 90u); // 98 in the tables as they are
    probekit::perf_probe_list list;
    for (auto const& command : commands) {
        auto const kept = list.add(command);
        BOOST_TEST_REQUIRE(kept.has_value(), command);
        BOOST_TEST(*kept == list.size() - 1);
    }
    probekit::perf_probe_storage parse_storage;
    probekit::perf_probe_storage view_storage;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto const parsed = probekit::parse_perf_probe(commands[i], parse_storage);
        auto const kept = list.view(i, view_storage);
        BOOST_TEST((kept == *parsed), commands[i]);
        BOOST_TEST(synthesized(kept) == synthesized(*parsed), commands[i]);
    }
}

BOOST_AUTO_TEST_CASE(the_list_keeps_its_own_copy_of_the_text)
{
    probekit::perf_probe_list list;
    std::string text = "grp:ev=compute:6@app.c total=p->rows[2].x:u32 name=$comm:string";
    std::string const expected = synthesized(*probekit::parse_perf_probe(text));
    BOOST_TEST_REQUIRE(list.add(text).has_value());
    text.assign(text.size(), '#');
    probekit::perf_probe_storage storage;
    BOOST_TEST(synthesized(list.view(0, storage)) == expected);
}

BOOST_AUTO_TEST_CASE(a_command_that_fails_to_parse_is_not_kept)
{
    probekit::perf_probe_list list;
    std::string_view const bad = "compute:6;pattern";
    auto const kept = list.add(bad);
    probekit::perf_probe_storage storage;
    auto const parsed = probekit::parse_perf_probe(bad, storage);
    BOOST_TEST_REQUIRE(!kept.has_value());
    BOOST_TEST_REQUIRE(!parsed.has_value());
    BOOST_TEST(kept.error().offset == parsed.error().offset);
    BOOST_TEST(kept.error().message == parsed.error().message);
    BOOST_TEST(list.empty());
}

BOOST_AUTO_TEST_CASE(a_command_over_64_kib_is_refused_with_its_reason)
{
    probekit::perf_probe_list list;
    std::string const huge = "f " + std::string(70'000, 'x');
    auto const kept = list.add(huge);
    BOOST_TEST_REQUIRE(!kept.has_value());
    BOOST_TEST((kept.error().kind == probekit::error_kind::unsupported));
    BOOST_TEST(list.empty());
}

BOOST_AUTO_TEST_CASE(a_moved_list_keeps_its_commands)
{
    probekit::perf_probe_list list;
    (void)list.add("malloc bytes");
    (void)list.add("free%return $retval");
    probekit::perf_probe_list moved = std::move(list);
    probekit::perf_probe_storage storage;
    BOOST_TEST_REQUIRE(moved.size() == 2u);
    BOOST_TEST(synthesized(moved.view(0, storage)) == "malloc bytes");
    BOOST_TEST(synthesized(moved.view(1, storage)) == "free%return $retval");

    // the moved-from list is empty and works (a review found clear() crashing on it)
    BOOST_TEST(list.empty());
    BOOST_TEST(list.memory_used() == 0u);
    list.clear();
    BOOST_TEST_REQUIRE(list.add("open path").has_value());
    BOOST_TEST(synthesized(list.view(0, storage)) == "open path");
    moved = std::move(list);
    BOOST_TEST(moved.size() == 1u);
    BOOST_TEST(list.memory_used() == 0u);
}

BOOST_AUTO_TEST_CASE(clear_forgets_everything_and_the_list_takes_new_commands)
{
    probekit::perf_probe_list list;
    (void)list.add("malloc bytes");
    list.clear();
    BOOST_TEST(list.empty());
    BOOST_TEST(list.memory_used() == 0u);
    BOOST_TEST_REQUIRE(list.add("free ptr").has_value());
    probekit::perf_probe_storage storage;
    BOOST_TEST(synthesized(list.view(0, storage)) == "free ptr");
}

BOOST_AUTO_TEST_CASE(ten_thousand_commands_cost_a_few_allocations_and_viewing_none)
{
    auto const& commands = corpus_commands();
    probekit::perf_probe_list list;
    list.reserve(10'000);
    probekit::test::allocation_counter const adding;
    for (std::size_t i = 0; i < 10'000; ++i)
        BOOST_TEST_REQUIRE(list.add(commands[i % commands.size()]).has_value());
    // the arena's blocks, which grow geometrically
    BOOST_TEST(adding.count() < 32u);

    probekit::perf_probe_storage storage;
    std::string out;
    out.reserve(1 << 16);
    probekit::test::allocation_counter const viewing;
    for (std::size_t i = 0; i < list.size(); ++i) {
        out.clear();
        probekit::synthesize_perf_probe(list.view(i, storage), out, "probe_app");
    }
    BOOST_TEST(viewing.count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_short_command_takes_little_more_than_its_text)
{
    probekit::perf_probe_list list;
    std::string_view const command = "malloc $params"; // 14 bytes
    (void)list.add(command);
    BOOST_TEST_MESSAGE("bytes kept for '" << command << "': " << list.memory_used());
    // the text and its size, 4 bytes of flags and counts, 6 point strings of 4 bytes, no
    // number, 15 bytes for the argument (flags, field count, 3 strings), 8 of index
    BOOST_TEST(list.memory_used() == 2u + command.size() + 4u + 24u + 15u + 8u);
}
