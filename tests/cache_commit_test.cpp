// Commits under crashes and contention: the two promises perf 6.1 does not keep.
#include <probekit/cache.hpp>

#define BOOST_TEST_MODULE cache_commit
#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using probekit::entry_kind;

struct temp_dir {
    fs::path path;
    temp_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "probekit-commit-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~temp_dir() { fs::remove_all(path); }
};

std::string read_file(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string base_file(int entries)
{
    std::string text;
    for (int i = 0; i < entries; ++i)
        text += "#base:e" + std::to_string(i) + "=func" + std::to_string(i) +
                " x=p->x\np:base/e" + std::to_string(i) + " /opt/app:0x" +
                std::to_string(1000 + i) + " x=+0(-24(%bp)):s32\n";
    return text;
}

/// Adds `group:event` with one line and commits; returns false on any error.
bool add_and_commit(std::string const& probes, std::string const& group, std::string const& event,
                    std::string const& line)
{
    probekit::probe_cache cache{probekit::filesystem_store{probes}};
    if (!cache.load())
        return false;
    std::string const spec = group + ":" + event + "=main";
    std::array<std::string_view, 1> const lines{line};
    return cache.add(entry_kind::user, spec, lines) && cache.commit();
}

} // namespace

BOOST_AUTO_TEST_SUITE(cache_commit)

BOOST_AUTO_TEST_CASE(a_writer_killed_at_random_moments_always_leaves_a_complete_file)
{
    temp_dir dir;
    std::string const probes = (dir.path / "probes").string();
    int const base_entries = 300;
    std::string const base = base_file(base_entries);
    { std::ofstream(probes, std::ios::binary) << base; }

    std::mt19937 rng(4242);
    std::uniform_int_distribution<int> delay_us(0, 4000);
    long last_generation = -1;
    int const kills = 1000;
    for (int round = 0; round < kills; ++round) {
        pid_t const child = ::fork();
        BOOST_TEST_REQUIRE(child >= 0);
        if (child == 0) {
            // Commits forever; each generation replaces the "gen" entry.
            for (long gen = last_generation + 1;; ++gen)
                if (!add_and_commit(probes, "crash", "gen", "p:crash/gen /opt/app:0x" +
                                                              std::to_string(gen)))
                    ::_exit(3);
        }
        ::usleep(static_cast<useconds_t>(delay_us(rng)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST_REQUIRE(WIFSIGNALED(status), "the writer failed before it was killed");

        // The file must be the base plus at most one complete "gen" entry.
        std::string const text = read_file(probes);
        BOOST_TEST_REQUIRE(text.starts_with(base), "round " << round << ": base entries lost");
        std::string_view tail = std::string_view(text).substr(base.size());
        if (!tail.empty()) {
            std::string_view const head = "#crash:gen=main\np:crash/gen /opt/app:0x";
            BOOST_TEST_REQUIRE(tail.starts_with(head), "round " << round << ": torn file");
            BOOST_TEST_REQUIRE(tail.ends_with("\n"), "round " << round << ": torn file");
            long const gen = std::stol(std::string(tail.substr(head.size())));
            BOOST_TEST_REQUIRE(gen >= last_generation);
            last_generation = gen;
        }
    }
    BOOST_TEST_MESSAGE("generations committed across " << kills
                                                       << " kills: " << last_generation + 1);

    // A killed writer may leave its temporary file; the next commit removes it.
    int temporaries = 0;
    for (auto const& e : fs::directory_iterator(dir.path))
        temporaries += e.path().filename().string().starts_with(".probes.");
    BOOST_TEST(temporaries <= 1);
}

BOOST_AUTO_TEST_CASE(eight_concurrent_writers_of_fifty_entries_lose_none_of_the_400)
{
    temp_dir dir;
    std::string const probes = (dir.path / "probes").string();
    int const writers = 8;
    int const per_writer = 50;

    std::array<pid_t, 8> children{};
    for (int w = 0; w < writers; ++w) {
        children[static_cast<std::size_t>(w)] = ::fork();
        BOOST_TEST_REQUIRE(children[static_cast<std::size_t>(w)] >= 0);
        if (children[static_cast<std::size_t>(w)] == 0) {
            for (int i = 0; i < per_writer; ++i) {
                std::string const event = "w" + std::to_string(w) + "_" + std::to_string(i);
                if (!add_and_commit(probes, "conc", event, "p:conc/" + event + " /opt/app:0x" +
                                                               std::to_string(i)))
                    ::_exit(1);
            }
            ::_exit(0);
        }
    }
    for (pid_t const child : children) {
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST(WIFEXITED(status));
        BOOST_TEST(WEXITSTATUS(status) == 0);
    }

    probekit::probe_cache cache{probekit::filesystem_store{probes}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST(cache.diagnostics().empty());
    std::set<std::string> events;
    for (auto const& e : cache.entries()) {
        events.emplace(e.event);
        BOOST_TEST(e.lines.size() == 1u);
    }
    BOOST_TEST(events.size() == std::size_t(writers * per_writer));
    BOOST_TEST(cache.entries().size() == std::size_t(writers * per_writer));
}

BOOST_AUTO_TEST_CASE(a_commit_replaces_the_file_and_keeps_perfs_mode)
{
    temp_dir dir;
    std::string const probes = (dir.path / "probes").string();
    BOOST_TEST_REQUIRE(add_and_commit(probes, "g", "e", "p:g/e /opt/app:0x1"));
    BOOST_TEST(read_file(probes) == "#g:e=main\np:g/e /opt/app:0x1\n");
    auto const perms = fs::status(probes).permissions();
    BOOST_TEST((perms == (fs::perms::owner_read | fs::perms::owner_write |
                          fs::perms::group_read | fs::perms::others_read)));
    int files = 0;
    for ([[maybe_unused]] auto const& e : fs::directory_iterator(dir.path))
        ++files;
    BOOST_TEST(files == 1);
}

BOOST_AUTO_TEST_SUITE_END()
