#include <probekit/build_id.hpp>

#define BOOST_TEST_MODULE build_id
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

/// Builds the fixture with linker flags `flags` into a temporary file; empty if no gcc.
std::string build(std::string const& flags)
{
    static int n = 0;
    std::string const out =
        (fs::temp_directory_path() / ("probekit-bid-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(n++)))
            .string();
    std::string const cc = "gcc -o '" + out + "' " + flags + " '" PROBEKIT_TEST_DATA_DIR
                           "/corpus/fixtures/app.c' 2>/dev/null";
    return std::system(cc.c_str()) == 0 ? out : std::string();
}

std::string run(std::string const& command)
{
    std::string out;
    if (FILE* const pipe = ::popen(command.c_str(), "r")) {
        std::array<char, 256> buffer;
        while (std::size_t const n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            out.append(buffer.data(), n);
        ::pclose(pipe);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(build_id)

BOOST_AUTO_TEST_CASE(hex_text_round_trips_in_lower_case)
{
    auto const id = probekit::parse_build_id("F1f9d9d624d472f063856d6f7bc7714426ff4ec7");
    BOOST_TEST_REQUIRE(id.has_value());
    BOOST_TEST(id->size() == 20u);
    BOOST_TEST(id->hex() == "f1f9d9d624d472f063856d6f7bc7714426ff4ec7");
    BOOST_TEST(!probekit::parse_build_id("abc").has_value());
    auto const bad = probekit::parse_build_id("abzz");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().offset == 2u);
}

BOOST_AUTO_TEST_CASE(the_gnu_note_is_found_among_other_notes)
{
    // A "Linux" note, then the GNU build-id note: the layout of /sys/kernel/notes.
    std::array<std::uint8_t, 48> notes{
        6, 0, 0, 0, 4, 0, 0, 0, 1, 1, 0, 0, 'L', 'i', 'n', 'u', 'x', 0, 0, 0, 9, 9, 9, 9,
        4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef};
    auto const id = probekit::find_build_id_note({notes.data(), 44});
    BOOST_TEST_REQUIRE(id.has_value());
    BOOST_TEST(id->hex() == "deadbeef");

    auto const cut = probekit::find_build_id_note({notes.data(), 40});
    BOOST_TEST_REQUIRE(!cut.has_value());
    BOOST_TEST(cut.error().kind == probekit::error_kind::invalid);
}

#ifdef PROBEKIT_HAS_LIBDW
BOOST_AUTO_TEST_CASE(an_elf_files_build_id_is_its_gnu_note)
{
    std::string const path = build("-Wl,--build-id=0x0123456789abcdef0123456789abcdef01234567");
    if (path.empty()) {
        BOOST_TEST_MESSAGE("skipped: gcc is not available");
        return;
    }
    auto const id = probekit::read_build_id(path.c_str());
    fs::remove(path);
    BOOST_TEST_REQUIRE(id.has_value());
    BOOST_TEST(id->hex() == "0123456789abcdef0123456789abcdef01234567");
}

BOOST_AUTO_TEST_CASE(a_binary_without_a_build_id_or_a_non_elf_file_is_an_error)
{
    std::string const path = build("-Wl,--build-id=none");
    if (!path.empty()) {
        auto const id = probekit::read_build_id(path.c_str());
        fs::remove(path);
        BOOST_TEST_REQUIRE(!id.has_value());
        BOOST_TEST(id.error().kind == probekit::error_kind::not_found);
    }
    auto const text = probekit::read_build_id(PROBEKIT_TEST_DATA_DIR "/corpus/fixtures/app.c");
    BOOST_TEST_REQUIRE(!text.has_value());
    BOOST_TEST(text.error().kind == probekit::error_kind::invalid);
    auto const missing = probekit::read_build_id("/nonexistent/probekit");
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().kind == probekit::error_kind::io);
}
#endif

BOOST_AUTO_TEST_CASE(the_kernels_build_id_is_the_one_perf_reports)
{
    auto const id = probekit::read_kernel_build_id();
    if (!id) {
        BOOST_TEST_MESSAGE("skipped: /sys/kernel/notes is not readable");
        return;
    }
    std::string const perf = run("perf buildid-list -k 2>/dev/null");
    if (perf.empty()) {
        BOOST_TEST_MESSAGE("skipped: perf is not available");
        return;
    }
    BOOST_TEST(perf == id->hex() + "\n");
}

BOOST_AUTO_TEST_SUITE_END()
