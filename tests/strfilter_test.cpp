#include <probekit/strfilter.hpp>

#define BOOST_TEST_MODULE strfilter
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace {

bool passes(std::string_view filter, std::string_view text)
{
    auto const f = probekit::parse_strfilter(filter);
    BOOST_TEST_REQUIRE(f.has_value(), "filter '" << filter << "' did not parse");
    return f->match(text);
}

} // namespace

BOOST_AUTO_TEST_SUITE(strfilter)

BOOST_AUTO_TEST_CASE(a_glob_matches_the_whole_string)
{
    BOOST_TEST(passes("ev1", "ev1"));
    BOOST_TEST(!passes("ev1", "probe_app0:ev1"));
    BOOST_TEST(passes("probe_app0:*", "probe_app0:ev1"));
    BOOST_TEST(passes("*area*", "probe_demo:rect_area_r"));
    BOOST_TEST(passes("a?c", "abc"));
    BOOST_TEST(!passes("a?c", "ac"));
    BOOST_TEST(passes("*", ""));
}

BOOST_AUTO_TEST_CASE(character_classes_take_ranges_and_negation)
{
    BOOST_TEST(passes("sdt_[a-m]*", "sdt_guarded:check"));
    BOOST_TEST(!passes("sdt_[n-z]*", "sdt_guarded:check"));
    BOOST_TEST(passes("x[^0-9]", "xa"));
    BOOST_TEST(!passes("x[^0-9]", "x5"));
    BOOST_TEST(!passes("x[ab", "xa"));
    // '!' right after '[' negates the class, as in perf: it is not the operator there
    BOOST_TEST(passes("probe_demo:[!a]*", "probe_demo:myev"));
    BOOST_TEST(!passes("probe_demo:[!a]*", "probe_demo:area"));
    BOOST_TEST(passes("![!a]*", "abc"));
}

BOOST_AUTO_TEST_CASE(a_backslash_makes_the_next_character_literal)
{
    BOOST_TEST(passes("a\\*b", "a*b"));
    BOOST_TEST(!passes("a\\*b", "axb"));
    BOOST_TEST(passes("memcpy\\@GLIBC", "memcpy@GLIBC"));
    // a backslash that ends the filter stands for itself (perf takes it too)
    BOOST_TEST(probekit::parse_strfilter("*\\").has_value());
}

BOOST_AUTO_TEST_CASE(and_binds_tighter_than_or_and_not_is_a_prefix)
{
    BOOST_TEST(passes("*:ev2&g2:*", "g2:ev2"));
    BOOST_TEST(!passes("*:ev2&g2:*", "g3:ev2"));
    BOOST_TEST(passes("x|*:ev2&g2:*", "x"));
    BOOST_TEST(passes("!ev1", "probe:ev1"));
    BOOST_TEST(!passes("!*:ev1", "probe:ev1"));
    BOOST_TEST(passes("!(a*|b*)", "c"));
    BOOST_TEST(!passes("!(a*|b*)", "b"));
    BOOST_TEST(passes(" a* | b* ", "bee"));
}

BOOST_AUTO_TEST_CASE(perf_cache_delete_table_holds)
{
    // The table in probe-cache.md §4: filters are compared with GROUP:EVENT, or with the
    // command of an unnamed entry.
    BOOST_TEST(!passes("ev1|ev2", "probe_app0:ev1"));
    BOOST_TEST(passes("area*", "area%return $retval"));
    BOOST_TEST(passes("sdt_myprov:*", "sdt_myprov:myev"));
}

BOOST_AUTO_TEST_CASE(malformed_filters_report_the_offending_byte)
{
    auto const dangling = probekit::parse_strfilter("a|");
    BOOST_TEST_REQUIRE(!dangling.has_value());
    BOOST_TEST(dangling.error().offset == 2u);

    auto const unbalanced = probekit::parse_strfilter("(a|b");
    BOOST_TEST_REQUIRE(!unbalanced.has_value());
    BOOST_TEST(unbalanced.error().offset == 4u);

    BOOST_TEST(!probekit::parse_strfilter("").has_value());
    BOOST_TEST(!probekit::parse_strfilter("a)").has_value());
    BOOST_TEST(!probekit::parse_strfilter("&a").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
