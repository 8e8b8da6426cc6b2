#include <probekit/cache.hpp>
#include <probekit/store/fixed_buffer.hpp>
#include <probekit/store/memory.hpp>

#define BOOST_TEST_MODULE cache
#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using memory_cache = probekit::basic_probe_cache<probekit::memory_store>;
using probekit::entry_kind;

// The file perf 6.1 wrote after seven `--cache --add` (probe-cache.md §3).
constexpr std::string_view perf_file =
    "%sdt_myprov:myev=myev\n"
    "p:sdt_myprov/myev /opt/demo/app0:0x124a arg1=-8(%bp):s32 arg2=-36(%bp):u8\n"
    "%sdt_myprov:other=other\n"
    "p:sdt_myprov/other /opt/demo/app0:0x1253 arg1=%ax:u64\n"
    "#probe_app0:area_L3=area:3 w\n"
    "p:probe_app0/area_L3 /opt/demo/app0:0x1173 w=-28(%bp):s32\n"
    "p:probe_app0/area_L3 /opt/demo/app0:0x117a w=-28(%bp):s32\n"
    "#area x=p->x w\n"
    "p:probe_app0/area /opt/demo/app0:0x1164 x=+0(-24(%bp)):s32 w=-28(%bp):s32\n"
    "#probe_app0:myev=use_rec name=r->name:string\n"
    "p:probe_app0/myev /opt/demo/app0:0x11b1 name=+0(-24(%bp)):string\n"
    "#grp:ev2=@app.c:28\n"
    "p:grp/ev2 /opt/demo/app0:0x1173\n"
    "p:grp/ev2 /opt/demo/app0:0x117a\n"
    "#area%return $retval\n"
    "r:probe_app0/area__return /opt/demo/app0:0x1159 $retval\n"
    "#area+4\n"
    "p:probe_app0/area /opt/demo/app0:0x115d\n"
    "#0x1159 %di\n"
    "p:probe_app0/abs_1159 /opt/demo/app0:0x1159 %di\n";

std::vector<std::string> specs(memory_cache const& cache)
{
    std::vector<std::string> out;
    for (auto const& e : cache.entries())
        out.emplace_back(e.spec);
    return out;
}

std::vector<std::string_view> lines_of(probekit::cache_entry const& e)
{
    std::vector<std::string_view> out;
    for (auto const& l : e.lines)
        out.push_back(l.text);
    return out;
}

std::vector<std::string> removed_by(std::string file, std::string_view filter)
{
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    auto const f = probekit::parse_strfilter(filter);
    BOOST_TEST_REQUIRE(f.has_value());
    std::vector<std::string> removed;
    auto const n = cache.remove(*f, [&](auto const& e) { removed.emplace_back(e.spec); });
    BOOST_TEST_REQUIRE(n.has_value());
    return removed;
}

} // namespace

BOOST_AUTO_TEST_SUITE(probe_cache)

BOOST_AUTO_TEST_CASE(a_file_perf_wrote_loads_with_names_and_lines)
{
    std::string file(perf_file);
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST(cache.diagnostics().empty());
    BOOST_TEST(cache.entries().size() == 9u);

    auto const* sdt = cache.find_by_name("sdt_myprov", "other");
    BOOST_TEST_REQUIRE(sdt != nullptr);
    BOOST_TEST((sdt->kind == entry_kind::sdt));
    BOOST_TEST(sdt->lines.size() == 1u);

    auto const* line3 = cache.find_by_name("probe_app0", "area_L3");
    BOOST_TEST_REQUIRE(line3 != nullptr);
    BOOST_TEST(line3->spec == "probe_app0:area_L3=area:3 w");
    BOOST_TEST(line3->lines.size() == 2u);

    auto const* unnamed = cache.find_command("area x=p->x w");
    BOOST_TEST_REQUIRE(unnamed != nullptr);
    BOOST_TEST(!unnamed->named());
}

BOOST_AUTO_TEST_CASE(an_unchanged_cache_writes_back_byte_for_byte)
{
    std::string file(perf_file);
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app0:x=area w", {}).has_value());
    auto const f = probekit::parse_strfilter("probe_app0:x");
    BOOST_TEST_REQUIRE(cache.remove(*f, [](auto const&) {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(file == perf_file);
}

BOOST_AUTO_TEST_CASE(delete_filters_select_entries_as_perf_does)
{
    // perf's table (probe-cache.md §4), on this file.
    std::string const file =
        "%sdt_myprov:myev=myev\np:sdt_myprov/myev /a:0x1\n"
        "%sdt_myprov:other=other\np:sdt_myprov/other /a:0x2\n"
        "#area p\np:probe_app0/area /a:0x3 p=%di:u64\n"
        "#probe_app0:ev1=area w\np:probe_app0/ev1 /a:0x3\n"
        "#g2:ev2=use_rec c\np:g2/ev2 /a:0x4\n"
        "#area%return $retval\nr:probe_app0/area__return /a:0x3 $retval\n";
    using v = std::vector<std::string>;
    BOOST_TEST(removed_by(file, "ev1") == v{});
    BOOST_TEST(removed_by(file, "probe_app0:ev1") == v{"probe_app0:ev1=area w"});
    BOOST_TEST(removed_by(file, "g2:*") == v{"g2:ev2=use_rec c"});
    BOOST_TEST(removed_by(file, "area*") == (v{"area p", "area%return $retval"}));
    BOOST_TEST(removed_by(file, "*").size() == 6u);
    BOOST_TEST(removed_by(file, "ev1|ev2") == v{});
    BOOST_TEST(removed_by(file, "!ev1").size() == 6u);
    BOOST_TEST(removed_by(file, "sdt_myprov:*") ==
               (v{"sdt_myprov:myev=myev", "sdt_myprov:other=other"}));
    BOOST_TEST(removed_by(file, "*:ev2&g2:*") == v{"g2:ev2=use_rec c"});
}

BOOST_AUTO_TEST_CASE(adding_replaces_the_entry_of_the_same_name_and_goes_last)
{
    std::string file(perf_file);
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    std::array<std::string_view, 1> const lines{"p:probe_app0/myev /opt/demo/app0:0x1164"};
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app0:myev=area", lines).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(specs(cache).back() == "probe_app0:myev=area");
    BOOST_TEST(cache.entries().size() == 9u);
    BOOST_TEST(file.ends_with("#probe_app0:myev=area\np:probe_app0/myev /opt/demo/app0:0x1164\n"));
}

BOOST_AUTO_TEST_CASE(added_trace_lines_are_sorted_and_unique_as_perf_writes_them)
{
    std::string file;
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    std::array<std::string_view, 3> const lines{"p:g/e /a:0x20", "p:g/e /a:0x100",
                                                "p:g/e /a:0x20"};
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:e=@app.c:28", lines).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(file == "#g:e=@app.c:28\np:g/e /a:0x100\np:g/e /a:0x20\n");
}

BOOST_AUTO_TEST_CASE(f2_re_adding_a_cached_event_keeps_its_trace_lines)
{
    // perf 6.1 rewrites the entry with no trace lines when the add got them from the cache.
    std::string file(perf_file);
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app0:area_L3=area:3 w", {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app0:area_L3=area:3 w", {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    auto const* e = cache.find_by_name("probe_app0", "area_L3");
    BOOST_TEST_REQUIRE(e != nullptr);
    BOOST_TEST(lines_of(*e) == (std::vector<std::string_view>{
                                   "p:probe_app0/area_L3 /opt/demo/app0:0x1173 w=-28(%bp):s32",
                                   "p:probe_app0/area_L3 /opt/demo/app0:0x117a w=-28(%bp):s32"}));
    BOOST_TEST(&*std::prev(cache.entries().end()) == e);
}

BOOST_AUTO_TEST_CASE(a_trace_line_before_any_header_is_reported_and_kept)
{
    std::string file = "p:g/e /a:0x1\n#g:f=area\np:g/f /a:0x2\n";
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.diagnostics().size() == 1u);
    BOOST_TEST(cache.diagnostics().front().line == 1u);
    BOOST_TEST(cache.find_by_name("g", "f") != nullptr);

    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:h=main", {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(file == "p:g/e /a:0x1\n#g:f=area\np:g/f /a:0x2\n#g:h=main\n");
}

BOOST_AUTO_TEST_CASE(removing_everything_keeps_lines_that_belong_to_no_entry)
{
    std::string file = "#g:a=area\np:g/a /a:0x1\n#g:b=main\np:g/b /a:0x2\n";
    file = "p:g/z /a:0x9\n" + file;
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.diagnostics().size() == 1u);
    BOOST_TEST(cache.diagnostics().front().line == 1u);
    BOOST_TEST(cache.find_by_name("g", "a") != nullptr);
    BOOST_TEST(cache.find_by_name("g", "b") != nullptr);

    // Removing everything the filter can see keeps the malformed entry verbatim.
    auto const all = probekit::parse_strfilter("*");
    BOOST_TEST_REQUIRE(cache.remove(*all, [](auto const&) {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(file == "p:g/z /a:0x9\n");
}

BOOST_AUTO_TEST_CASE(f3_a_header_that_does_not_parse_is_reported_and_the_rest_stays_usable)
{
    // perf 6.1 wrote "#@app.c" for `app.c;return*` and then could read none of the cache.
    std::string file = "#g:a=area w\np:g/a /a:0x1 w=%di:s32\n"
                       "#@app.c\np:probe_app0/app_c /a:0x2\np:probe_app0/app_c /a:0x3\n"
                       "#g:b=main\np:g/b /a:0x4\n";
    std::string const before = file;
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.diagnostics().size() == 1u);
    BOOST_TEST(cache.diagnostics().front().line == 3u);
    BOOST_TEST(cache.diagnostics().front().malformed);
    BOOST_TEST(cache.find_by_name("g", "a") != nullptr);
    BOOST_TEST(cache.find_by_name("g", "b") != nullptr);
    BOOST_TEST(cache.find_command("@app.c") == nullptr);

    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:c=main", {}).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(file == before + "#g:c=main\n");
}

BOOST_AUTO_TEST_CASE(a_trace_line_the_kernel_would_refuse_is_reported_but_kept)
{
    // perf writes such lines (two arguments named alike) into real caches.
    std::string file = "#g:a=f node\np:g/a /a:0x1 node=%bx:x64 node=%bx:x64\n";
    memory_cache cache{probekit::memory_store{file}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.diagnostics().size() == 1u);
    BOOST_TEST(!cache.diagnostics().front().malformed);
    auto const* e = cache.find_by_name("g", "a");
    BOOST_TEST_REQUIRE(e != nullptr);
    BOOST_TEST(e->lines.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_cache_that_could_not_be_read_is_never_written)
{
    probekit::probe_cache cache{probekit::filesystem_store{"/proc/self/mem/probes"}};
    BOOST_TEST(!cache.load().has_value());
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:e=main", {}).has_value());
    auto const committed = cache.commit();
    BOOST_TEST_REQUIRE(!committed.has_value());
    BOOST_TEST(committed.error().kind == probekit::error_kind::io);
}

BOOST_AUTO_TEST_CASE(a_fixed_buffer_cache_works_in_caller_memory_and_refuses_what_does_not_fit)
{
    std::array<char, 2 * 256> file{};
    std::array<std::byte, 8192> work{};
    std::string_view const initial = "#g:a=area\np:g/a /a:0x1\n";
    std::copy(initial.begin(), initial.end(), file.begin());
    probekit::basic_probe_cache<probekit::fixed_buffer_store> cache{
        probekit::fixed_buffer_store{file, initial.size(), work}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    std::array<std::string_view, 1> const lines{"p:g/b /a:0x2"};
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:b=main", lines).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());
    BOOST_TEST(cache.store().contents() == "#g:a=area\np:g/a /a:0x1\n#g:b=main\np:g/b /a:0x2\n");

    std::string const big(300, 'x');
    std::array<std::string_view, 1> const too_long{big};
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "g:c=main", too_long).has_value());
    BOOST_TEST(!cache.commit().has_value());
    BOOST_TEST(cache.store().contents() == "#g:a=area\np:g/a /a:0x1\n#g:b=main\np:g/b /a:0x2\n");
}

BOOST_AUTO_TEST_SUITE_END()
