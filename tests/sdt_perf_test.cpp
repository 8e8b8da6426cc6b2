// The SDT entries probekit makes, compared with the ones perf 6.1 writes when it imports
// the same binary (`perf --buildid-dir DIR buildid-cache --add BIN`, in a HOME of its own):
// the real SDT binaries of this machine (python3.11: 8 probes with semaphores; libstdc++:
// 3 probes) and the fixtures. A binary or perf that is absent is skipped, and said so.
#include <probekit/sdt_probe.hpp>

#define BOOST_TEST_MODULE sdt_perf
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

using namespace probekit;
namespace fs = std::filesystem;

namespace {

bool perf_available()
{
    return std::system("perf --version >/dev/null 2>&1") == 0;
}

/// What perf writes into the probes file of `binary` (a real path), or nullopt.
std::optional<std::string> perf_probes_file(std::string const& binary)
{
    char dir[] = "/tmp/probekit-sdt-perf-XXXXXX";
    if (::mkdtemp(dir) == nullptr)
        return std::nullopt;
    std::string const root = dir;
    std::string const command = "HOME=" + root + " perf --buildid-dir " + root +
                                "/.debug buildid-cache --add " + binary + " >/dev/null 2>&1";
    std::optional<std::string> text;
    if (std::system(command.c_str()) == 0) {
        for (auto const& e : fs::recursive_directory_iterator(root + "/.debug" + binary))
            if (e.path().filename() == "probes") {
                std::ifstream in(e.path());
                std::stringstream all;
                all << in.rdbuf();
                text = all.str();
            }
    }
    fs::remove_all(root);
    return text;
}

/// Our probes file for `binary`: the entries as perf's commit writes them.
std::string our_probes_file(std::string const& binary)
{
    auto const entries = list_sdt_probes(binary.c_str(), sdt_arch::x86_64);
    std::string text;
    if (!entries)
        return text; // perf leaves the file empty when a note cannot be converted
    for (auto const& e : *entries) {
        text.append("%").append(e.spec).append("\n");
        for (auto const& line : e.lines)
            text.append(line).append("\n");
    }
    return text;
}

/// Compares one binary; returns false when it was skipped.
bool compare_with_perf(std::string const& path, std::size_t min_entries)
{
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) == nullptr) {
        BOOST_TEST_MESSAGE("skipped: " << path << " is not on this machine");
        return false;
    }
    if (!perf_available()) {
        BOOST_TEST_MESSAGE("skipped: perf is not installed");
        return false;
    }
    auto const theirs = perf_probes_file(real);
    BOOST_TEST_REQUIRE(theirs.has_value(), "perf could not import " << real);
    std::string const ours = our_probes_file(real);
    BOOST_TEST(ours == *theirs, real);
    std::size_t const entries = std::count(ours.begin(), ours.end(), '%');
    BOOST_TEST(entries >= min_entries);
    return true;
}

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_SDT_FIXTURE_DIR) + "/" + name;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sdt_perf)

BOOST_AUTO_TEST_CASE(python_entries_with_semaphores_are_perfs)
{
    if (!compare_with_perf("/usr/bin/python3.11", 8))
        return;
    std::string const ours = our_probes_file("/usr/bin/python3.11");
    std::size_t semaphores = 0;
    for (auto at = ours.find("(0x"); at != std::string::npos; at = ours.find("(0x", at + 1))
        ++semaphores;
    BOOST_TEST(semaphores == 8u);
}

BOOST_AUTO_TEST_CASE(libstdcxx_entries_are_perfs)
{
    compare_with_perf("/lib/x86_64-linux-gnu/libstdc++.so.6", 3);
}

BOOST_AUTO_TEST_CASE(fixture_entries_are_perfs_at_O0_and_O2)
{
    compare_with_perf(fixture("sdt-O0"), 5);
    compare_with_perf(fixture("sdt-O2"), 5);
}

BOOST_AUTO_TEST_CASE(hand_written_argument_strings_are_converted_as_perf_converts_them)
{
    compare_with_perf(fixture("sdt-odd"), 6);
}

BOOST_AUTO_TEST_CASE(a_bad_size_leaves_the_probes_file_empty_as_perf_leaves_it)
{
    compare_with_perf(fixture("sdt-odd-bad"), 0);
}

BOOST_AUTO_TEST_SUITE_END()
