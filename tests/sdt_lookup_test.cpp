// %[GROUP:]EVENT lookups: from the notes of a binary that is not cached, and from the
// probe cache of one that is (where cached user events answer as well, as in perf).
#include <probekit/sdt_lookup.hpp>

#include <probekit/cache/sdt_import.hpp>

#define BOOST_TEST_MODULE sdt_lookup
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace probekit;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_SDT_FIXTURE_DIR) + "/" + name;
}

std::vector<std::string> lines_of(result<std::vector<trace_probe_event>> const& events)
{
    BOOST_TEST_REQUIRE(events.has_value(), events.error().message);
    std::vector<std::string> lines;
    for (auto const& ev : *events) {
        lines.emplace_back();
        synthesize_trace_probe(ev, lines.back());
    }
    return lines;
}

/// A build-id directory of its own, removed on destruction.
struct temp_dir {
    std::string root;
    temp_dir()
    {
        char name[] = "/tmp/probekit-sdt-lookup-XXXXXX";
        root = ::mkdtemp(name);
    }
    ~temp_dir() { std::filesystem::remove_all(root); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(sdt_lookup)

BOOST_AUTO_TEST_CASE(an_uncached_binary_answers_from_its_notes_with_globs)
{
    std::string const bin = fixture("sdt-O2");
    auto const twice = lines_of(find_sdt_events(bin, "sdt_pkfix", "tw*"));
    BOOST_TEST_REQUIRE(twice.size() == 2u);
    BOOST_TEST(twice[0].starts_with("p:sdt_pkfix/twice " + bin + ":0x"));
    auto const guarded = find_sdt_events(bin, "", "guarded");
    BOOST_TEST_REQUIRE(guarded.has_value());
    BOOST_TEST_REQUIRE(guarded->size() == 1u);
    BOOST_TEST((*guarded)[0].place.has_ref_ctr);
    BOOST_TEST((*guarded)[0].args.size() == 2u);
    BOOST_TEST(lines_of(find_sdt_events(bin, "sdt_*", "*")).size() == 6u);
    BOOST_TEST(lines_of(find_sdt_events(bin, "other", "*")).empty());
}

BOOST_AUTO_TEST_CASE(a_cached_binary_answers_from_its_cache_including_user_events)
{
    std::string const bin = fixture("sdt-O0");
    temp_dir const tmp;
    build_id_dir const dir(tmp.root);
    auto const added = dir.add(bin.c_str());
    BOOST_TEST_REQUIRE(added.has_value(), added.error().message);
    {
        probe_cache cache{filesystem_store{added->probes_path()}};
        BOOST_TEST_REQUIRE(cache.load().has_value());
        auto const notes = read_sdt_notes(bin.c_str());
        BOOST_TEST_REQUIRE(notes.has_value());
        BOOST_TEST_REQUIRE(import_sdt_notes(cache, *notes, added->origname).has_value());
        std::string const owned = "p:probe_app/myev " + bin + ":0x10 x=%di:s32";
        std::string_view const lines[] = {owned};
        BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app:myev=main x", lines).has_value());
        BOOST_TEST_REQUIRE(cache.commit().has_value());
    }
    BOOST_TEST(lines_of(find_sdt_events(bin, "", "my*", &dir)).size() == 1u);
    BOOST_TEST(lines_of(find_sdt_events(bin, "", "my*")).empty()); // not in the notes
    BOOST_TEST(lines_of(find_sdt_events(bin, "sdt_pkfix", "*", &dir)) ==
               lines_of(find_sdt_events(bin, "sdt_pkfix", "*")));
}

BOOST_AUTO_TEST_CASE(a_missing_binary_is_an_io_error)
{
    auto const events = find_sdt_events("/nonexistent/probekit-bin", "", "*");
    BOOST_TEST_REQUIRE(!events.has_value());
    BOOST_TEST(events.error().kind == error_kind::io);
}

BOOST_AUTO_TEST_SUITE_END()
