// Interop with the real perf 6.1, both ways, on a binary built here. Every case is skipped
// (with a message) when perf or gcc is missing.
#include <probekit/cache.hpp>
#include <probekit/cache/build_id_dir.hpp>
#include <probekit/cache/record.hpp>

#define BOOST_TEST_MODULE cache_interop
#include <boost/test/unit_test.hpp>

#include "support/cli.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using probekit::test::cache_tree;
using probekit::entry_kind;

std::string run(std::string const& command)
{
    std::string out;
    FILE* const pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return out;
    std::array<char, 4096> buffer;
    while (std::size_t const n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    ::pclose(pipe);
    return out;
}

std::string read_file(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A scratch directory with the fixture binary, and perf's command line for a build-id dir.
struct fixture {
    fs::path dir;
    fs::path binary;
    bool usable = false;

    fixture()
    {
        std::string tmpl = (fs::temp_directory_path() / "probekit-interop-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
        binary = dir / "app0";
        if (std::system("perf version >/dev/null 2>&1") != 0)
            return;
        std::string const cc = "gcc -g -O0 -o '" + binary.string() + "' '" +
                               PROBEKIT_TEST_DATA_DIR "/corpus/fixtures/app.c' 2>/dev/null";
        usable = std::system(cc.c_str()) == 0;
    }
    ~fixture() { fs::remove_all(dir); }

    /// `perf --buildid-dir ROOT probe ARGS` with a private HOME; stdout only.
    std::string perf(fs::path const& root, std::string const& args, bool probe = true) const
    {
        return run("HOME='" + dir.string() + "' perf --buildid-dir '" + root.string() + "' " +
                   (probe ? "probe " : "buildid-cache ") + args + " 2>/dev/null");
    }
};

/// What `perf probe --cache -l FILTER` prints, made by probekit.
std::string probekit_list(fs::path const& root, std::string_view filter_text = "*")
{
    std::string out;
    auto const filter = probekit::parse_strfilter(filter_text);
    for (auto const& bin : probekit::build_id_dir(root.string()).list()) {
        probekit::probe_cache cache{probekit::filesystem_store{bin.probes_path()}};
        if (!cache.load() || cache.empty())
            continue;
        out += bin.origname + " (" + bin.build_id + "):\n";
        for (auto const& e : cache.entries())
            if (probekit::probe_cache::selects(*filter, e))
                out.append(e.spec).append("\n");
    }
    return out;
}

#define SKIP_WITHOUT_PERF(f)                                                                  \
    if (!(f).usable) {                                                                        \
        BOOST_TEST_MESSAGE("skipped: perf or gcc is not available");                         \
        return;                                                                               \
    }

} // namespace

BOOST_AUTO_TEST_SUITE(cache_interop)

BOOST_AUTO_TEST_CASE(a_cache_perf_wrote_lists_as_perf_lists_it)
{
    fixture f;
    SKIP_WITHOUT_PERF(f);
    fs::path const root = f.dir / "debug";
    for (char const* spec : {"'myev=compute n'", "'compute p->x'",
                             "'grp:ev2=helper%return $retval'", "'process:3'"})
        f.perf(root, "--cache -n -x '" + f.binary.string() + "' --add " + spec);
    std::string const perf_list = f.perf(root, "--cache -l");
    BOOST_TEST_REQUIRE(!perf_list.empty());
    BOOST_TEST(probekit_list(root) == perf_list);
    BOOST_TEST(probekit_list(root, "grp:*") == f.perf(root, "--cache -l 'grp:*'"));
}

BOOST_AUTO_TEST_CASE(deleting_from_a_cache_perf_wrote_leaves_the_bytes_perf_leaves)
{
    fixture f;
    SKIP_WITHOUT_PERF(f);
    for (std::string const filter : {"probe_app0:*", "compute*", "*:ev2&grp:*", "nomatch",
                                     "!probe_app0:myev"}) {
        fs::path const theirs = f.dir / "theirs";
        fs::path const ours = f.dir / "ours";
        fs::remove_all(theirs);
        fs::remove_all(ours);
        for (char const* spec : {"'myev=compute n'", "'compute p->x'",
                                 "'grp:ev2=helper%return $retval'", "'process:3'"})
            f.perf(theirs, "--cache -n -x '" + f.binary.string() + "' --add " + spec);
        fs::copy(theirs, ours, fs::copy_options::recursive | fs::copy_options::copy_symlinks);

        f.perf(theirs, "--cache -d '" + filter + "'");
        auto const parsed = probekit::parse_strfilter(filter);
        for (auto const& bin : probekit::build_id_dir(ours.string()).list()) {
            probekit::probe_cache cache{probekit::filesystem_store{bin.probes_path()}};
            BOOST_TEST_REQUIRE(cache.load().has_value());
            BOOST_TEST_REQUIRE(cache.remove(*parsed, [](auto const&) {}).has_value());
            BOOST_TEST_REQUIRE(cache.commit().has_value());
        }
        BOOST_TEST(cache_tree(ours) == cache_tree(theirs), "filter " << filter);
        for (auto const& bin : probekit::build_id_dir(ours.string()).list())
            BOOST_TEST(read_file(bin.probes_path()) ==
                           read_file(theirs / fs::relative(bin.probes_path(), ours)),
                       "filter " << filter);
    }
}

BOOST_AUTO_TEST_CASE(a_cache_probekit_wrote_lists_in_perf_as_probekit_lists_it)
{
    fixture f;
    SKIP_WITHOUT_PERF(f);
    fs::path const root = f.dir / "debug";
    auto const bin = probekit::build_id_dir(root.string()).add(f.binary.c_str());
    BOOST_TEST_REQUIRE(bin.has_value());
    probekit::probe_cache cache{probekit::filesystem_store{bin->probes_path()}};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    std::string const path = f.binary.string();
    std::string const l1 = "p:probe_app0/myev " + path + ":0x1189 n=%si:s32";
    std::string const l2 = "r:probe_app0/helper__return " + path + ":0x1139 $retval";
    std::array<std::string_view, 1> const a{l1};
    std::array<std::string_view, 1> const b{l2};
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "probe_app0:myev=compute n", a).has_value());
    BOOST_TEST_REQUIRE(cache.add(entry_kind::user, "helper%return $retval", b).has_value());
    BOOST_TEST_REQUIRE(cache.commit().has_value());

    std::string const perf_list = f.perf(root, "--cache -l");
    BOOST_TEST(perf_list == probekit_list(root));
    BOOST_TEST(perf_list.find("probe_app0:myev=compute n\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(buildid_cache_add_and_remove_make_the_tree_perf_makes)
{
    fixture f;
    SKIP_WITHOUT_PERF(f);
    fs::path const theirs = f.dir / "theirs";
    fs::path const ours = f.dir / "ours";
    f.perf(theirs, "--add '" + f.binary.string() + "'", false);
    BOOST_TEST_REQUIRE(probekit::build_id_dir(ours.string()).add(f.binary.c_str()).has_value());
    BOOST_TEST(cache_tree(ours) == cache_tree(theirs));
    BOOST_TEST(f.perf(theirs, "-l", false) ==
               probekit::build_id_dir(ours.string()).list().front().build_id + " " +
                   f.binary.string() + "\n");

    f.perf(theirs, "--remove '" + f.binary.string() + "'", false);
    auto const id = probekit::read_build_id(f.binary.c_str());
    BOOST_TEST_REQUIRE(id.has_value());
    BOOST_TEST(probekit::build_id_dir(ours.string()).remove(id->hex()).value());
    BOOST_TEST(cache_tree(ours) == cache_tree(theirs));
}

BOOST_AUTO_TEST_CASE(recording_added_probes_writes_the_tree_and_bytes_perf_writes)
{
    fixture f;
    SKIP_WITHOUT_PERF(f);
    fs::path const theirs = f.dir / "theirs";
    fs::path const ours = f.dir / "ours";
    std::string const x = " -x '" + f.binary.string() + "' ";
    f.perf(theirs, "--cache -n" + x + "--add 'myev=compute n' --add 'process:3'");

    // The same commands, with the trace lines perf prints for them.
    auto const lines_of = [&](std::string const& spec) {
        std::vector<std::string> lines;
        std::istringstream in(f.perf(f.dir / "scratch", x + "-D '" + spec + "'"));
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        return lines;
    };
    std::vector<probekit::cache_record> const records{
        {"probe_app0:myev=compute n", lines_of("myev=compute n")},
        {"probe_app0:process_L3=process:3", lines_of("process:3")}};
    auto const bin = probekit::record_in_cache(probekit::build_id_dir(ours.string()),
                                               f.binary.c_str(), records);
    BOOST_TEST_REQUIRE(bin.has_value());
    fs::remove_all(f.dir / "scratch");
    BOOST_TEST(cache_tree(ours) == cache_tree(theirs));
    BOOST_TEST(read_file(bin->probes_path()) ==
               read_file(theirs / fs::relative(bin->probes_path(), ours)));
}

BOOST_AUTO_TEST_SUITE_END()
