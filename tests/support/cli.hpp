// Helpers of the tests that drive the `probekit` executable and the real perf side by side:
// a scratch directory, a command run in a HOME of its own (perf 6.1 writes $HOME/.debug
// even for -D: fault F0), and the build-id cache tree as the oracle compares it.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::test {

namespace fs = std::filesystem;

/// `text` in single quotes for sh.
inline std::string quote(std::string_view text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

inline std::string read_text(fs::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_text(fs::path const& path, std::string const& text)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

/// A directory under /tmp, removed with everything in it.
struct scratch_dir {
    fs::path path;

    explicit scratch_dir(std::string const& prefix)
    {
        std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) != nullptr)
            path = tmpl;
    }
    ~scratch_dir()
    {
        std::error_code ignored;
        if (!path.empty())
            fs::remove_all(path, ignored);
    }
    scratch_dir(scratch_dir const&) = delete;
    scratch_dir& operator=(scratch_dir const&) = delete;
};

/// What one command did.
struct run_result {
    int status = -1; ///< exit status; -1 if it did not exit normally
    std::string out;
    std::string err;
};

/// Runs the shell command `command` with stdin from /dev/null; stderr is kept apart.
inline run_result run_shell(std::string const& command)
{
    run_result r;
    scratch_dir errors("probekit-cli-stderr");
    fs::path const err = errors.path / "stderr";
    std::string const full = "( " + command + " ) </dev/null 2>" + quote(err.string());
    FILE* const pipe = ::popen(full.c_str(), "r");
    if (pipe == nullptr)
        return r;
    std::array<char, 4096> buffer;
    while (std::size_t const n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        r.out.append(buffer.data(), n);
    int const status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_text(err);
    return r;
}

/// The environment the oracle gives each side: a HOME of its own, its .debug as the
/// build-id dir (probekit reads PERF_BUILDID_DIR, perf 6.1 uses $HOME/.debug), C locale.
inline std::string environment_for(fs::path const& home)
{
    std::string const h = quote(home.string());
    return "HOME=" + h + " PERF_BUILDID_DIR=" + quote((home / ".debug").string()) +
           " PERF_CONFIG_NOSYSTEM=1 PAGER=cat PERF_PAGER=cat LC_ALL=C ";
}

/// `probekit SUBCOMMAND ARGS` (ARGS shell-quoted by the caller) with `home` as HOME.
inline run_result run_probekit(fs::path const& home, std::string const& args)
{
    return run_shell(environment_for(home) + PROBEKIT_TOOL_PATH + " " + args);
}

/// `perf SUBCOMMAND ARGS` with `home` as HOME.
inline run_result run_perf(fs::path const& home, std::string const& args)
{
    return run_shell(environment_for(home) + "perf " + args);
}

/// Is perf there, and can it resolve DWARF variables (perf built with libdw)?
inline bool perf_usable()
{
    return std::system("perf version >/dev/null 2>&1") == 0;
}

/// The tree under `root` as the oracle compares it: relative path, symlink target or size,
/// sorted. Missing root: empty.
inline std::vector<std::string> cache_tree(fs::path const& root)
{
    std::vector<std::string> out;
    std::error_code error;
    if (!fs::exists(root, error))
        return out;
    for (auto const& e : fs::recursive_directory_iterator(root)) {
        std::string line = fs::relative(e.path(), root).string();
        if (e.is_symlink())
            line += " -> " + fs::read_symlink(e.path()).string();
        else if (e.is_regular_file())
            line += " " + std::to_string(e.file_size());
        else if (e.is_directory())
            line += "/";
        out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Every `probes` file under `root`, as (relative path, bytes), sorted by path.
inline std::vector<std::pair<std::string, std::string>> probes_files(fs::path const& root)
{
    std::vector<std::pair<std::string, std::string>> out;
    std::error_code error;
    if (!fs::exists(root, error))
        return out;
    for (auto const& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().filename() == "probes")
            out.emplace_back(fs::relative(e.path(), root).string(), read_text(e.path()));
    std::sort(out.begin(), out.end());
    return out;
}

/// The only `probes` file under `root` (empty path if there is not exactly one).
inline fs::path the_probes_file(fs::path const& root)
{
    fs::path found;
    int count = 0;
    std::error_code error;
    if (!fs::exists(root, error))
        return found;
    for (auto const& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().filename() == "probes")
            found = e.path(), ++count;
    return count == 1 ? found : fs::path{};
}

/// The lines of `text`.
inline std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace probekit::test
