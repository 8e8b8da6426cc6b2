// The DWARF resolver on whole commands, with the argument hook and its completion as
// `probekit probe -D` runs them, on the two-CU fixture of tests/data/dwarf/resolve_*.c.
// The expected arguments are what perf 6.1 prints for the same binaries.
#include <probekit/dwarf/libdw_resolver.hpp>

#include <probekit/dwarf/arg_hook.hpp>
#include <probekit/perf_probe.hpp>

#define BOOST_TEST_MODULE dwarf_libdw_resolver
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace probekit;
using namespace probekit::dwarf;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_FIXTURE_DIR) + "/" + name;
}

/// Each location's arguments as perf prints them ("a=%di:s32 b=%si:s32"), or the
/// diagnostics of the failure, joined by '\n'.
std::vector<std::string> resolve(std::string const& binary, std::string const& spec)
{
    auto info = debuginfo::open(fixture(binary));
    BOOST_TEST_REQUIRE(info.has_value());
    auto event = parse_perf_probe(spec);
    BOOST_TEST_REQUIRE(event.has_value());

    libdw_resolver resolver(*info, fixture(binary));
    libdw_arg_hook hook(*info, true);
    resolver.set_arg_hook(hook);
    auto found = resolver.resolve(*event);
    std::vector<std::string> messages = resolver.diagnostics();
    if (!found || !hook.complete(*found, *event, messages)) {
        std::string text;
        for (auto const& m : messages)
            text += m + "\n";
        return {"error: " + text};
    }
    std::vector<std::string> out;
    for (auto const& loc : found->locations) {
        std::string args;
        for (auto const& arg : loc.args)
            args += (args.empty() ? "" : " ") + arg.name + "=" + arg.value +
                    (arg.type.empty() ? "" : ":" + arg.type);
        out.push_back(args);
    }
    return out;
}

using lines = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(dwarf_libdw_resolver)

BOOST_AUTO_TEST_CASE(a_parameter_one_cu_lacks_waits_for_the_other_addresses)
{
    // Each CU has a static `pick`; only the first has `closure` (glibc: `allocate closure`).
    for (char const* binary : {"resolve-O2", "resolve-O2-split"}) {
        BOOST_TEST(resolve(binary, "pick closure") ==
                       (lines{"closure=%di:x64", "closure=\\deade12d:x64"}),
                   boost::test_tools::per_element());
        BOOST_TEST(resolve(binary, "pick $params") ==
                       (lines{"closure=%di:x64 n=%si:s32", "n=%di:s32"}),
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(stack_parameters_need_the_frame_tables_of_the_debug_file)
{
    // With the DWARF inside, .eh_frame gives the CFA: fbreg 0 is +8(%sp).
    BOOST_TEST(resolve("resolve-O2", "many $params") ==
                   (lines{"a=%di:s32 b=%si:s32 c=%dx:s32 d=%cx:s32 e=%r8:s32 f=%r9:s32 "
                          "g=+8(%sp):s32 h=+16(%sp):s32"}),
               boost::test_tools::per_element());
    BOOST_TEST(resolve("resolve-O2", "many g") == (lines{"g=+8(%sp):s32"}),
               boost::test_tools::per_element());

    // A separate debug file holds .eh_frame as SHT_NOBITS and has no .debug_frame: perf
    // has no CFA, leaves such parameters out of $params and refuses them by name.
    BOOST_TEST(resolve("resolve-O2-split", "many $params") ==
                   (lines{"a=%di:s32 b=%si:s32 c=%dx:s32 d=%cx:s32 e=%r8:s32 f=%r9:s32"}),
               boost::test_tools::per_element());
    auto const refused = resolve("resolve-O2-split", "many g");
    BOOST_TEST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused[0].find("we don't support this variable location") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_frame_tables_are_those_of_the_file_holding_the_dwarf)
{
    auto inside = debuginfo::open(fixture("resolve-O2"));
    auto split = debuginfo::open(fixture("resolve-O2-split"));
    BOOST_TEST_REQUIRE((inside && split));
    BOOST_TEST(inside->eh_frame() != nullptr);
    BOOST_TEST(split->dwarf() != nullptr);
    BOOST_TEST(split->eh_frame() == nullptr);
}

BOOST_AUTO_TEST_CASE(functions_are_found_in_every_cu_through_the_index)
{
    BOOST_TEST(resolve("resolve-O2", "pick").size() == 2u);
    BOOST_TEST(resolve("resolve-O2", "pi*").size() == 3u); // pick, pick, pick_b
    BOOST_TEST(resolve("resolve-O2", "pick_b").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
