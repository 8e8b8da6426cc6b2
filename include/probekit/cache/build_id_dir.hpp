// perf's build-id directory: where every cached binary, and its probe cache, lives.
//
//   $ROOT/<abs path>/<build-id>/elf        a hard link to (or copy of) the binary
//   $ROOT/<abs path>/<build-id>/probes     its probe cache
//   $ROOT/.build-id/<2 hex>/<38 hex>       -> ../../<abs path>/<build-id>   (relative)
//   $ROOT/[kernel.kallsyms]/<build-id>/probes
//
// The root is `--buildid-dir DIR`, else `$PERF_BUILDID_DIR` (which perf 6.1 ignores: F0),
// else `$HOME/.debug`. The binary a build-id stands for ("origname") is read back from
// its `.build-id` link.
#pragma once

#include <probekit/build_id.hpp>
#include <probekit/error.hpp>
#include <probekit/store/store.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace probekit {

/// One binary in the build-id directory.
struct cached_binary {
    std::string build_id; ///< lower-case hex
    std::string origname; ///< absolute path, or `[kernel.kallsyms]`
    std::string dir;      ///< `$ROOT/<origname>/<build_id>`

    std::string probes_path() const { return dir + "/probes"; }
};

/// The cache name of the running kernel.
inline constexpr std::string_view kernel_cache_name = "[kernel.kallsyms]";

class build_id_dir {
public:
    explicit build_id_dir(std::string root) : root_(std::move(root))
    {
        while (root_.size() > 1 && root_.back() == '/')
            root_.pop_back();
    }

    /// `option` (from `--buildid-dir`) if given, else `$PERF_BUILDID_DIR`, else
    /// `$HOME/.debug`.
    static build_id_dir from_environment(std::string_view option = {})
    {
        if (!option.empty())
            return build_id_dir(std::string(option));
        if (char const* env = std::getenv("PERF_BUILDID_DIR"); env != nullptr && *env != '\0')
            return build_id_dir(env);
        char const* home = std::getenv("HOME");
        return build_id_dir(std::string(home != nullptr ? home : "") + "/.debug");
    }

    std::string const& root() const noexcept { return root_; }

    /// `$ROOT/<origname>/<build_id>`. Requires: `origname` is absolute or the kernel's.
    std::string entry_dir(std::string_view origname, std::string_view build_id) const
    {
        std::string dir = root_;
        if (origname.empty() || origname.front() != '/')
            dir += '/';
        dir.append(origname).append("/").append(build_id);
        return dir;
    }

    /// The `.build-id/xx/rest` link of a build-id.
    std::string link_path(std::string_view build_id) const
    {
        std::string path = root_ + "/.build-id/";
        path.append(build_id.substr(0, 2)).append("/").append(build_id.substr(2));
        return path;
    }

    /// The cached binary with build-id `hex`, if its link is there.
    std::optional<cached_binary> find(std::string_view hex) const
    {
        if (hex.size() < 3)
            return std::nullopt;
        std::string const link = link_path(hex);
        char target[4096];
        ssize_t const n = ::readlink(link.c_str(), target, sizeof target - 1);
        if (n <= 0)
            return std::nullopt;
        // e.g. "../../tmp/app/f1f9...ec7" -> "/tmp/app"; "../../[kernel.kallsyms]/f1f9..."
        std::string_view t(target, static_cast<std::size_t>(n));
        while (t.starts_with("../"))
            t.remove_prefix(3);
        if (!t.ends_with(hex) || t.size() <= hex.size())
            return std::nullopt;
        t.remove_suffix(hex.size() + 1);
        cached_binary bin;
        bin.build_id = std::string(hex);
        bin.origname = t.starts_with('[') ? std::string(t) : "/" + std::string(t);
        bin.dir = entry_dir(bin.origname, hex);
        return bin;
    }

    /// Every cached binary, sorted by build-id (perf walks `.build-id/*/*` in that order).
    /// Complexity: one readdir per `.build-id` subdirectory.
    std::vector<cached_binary> list() const
    {
        std::vector<cached_binary> out;
        for (auto const& prefix : sorted_names(root_ + "/.build-id"))
            for (auto const& rest : sorted_names(root_ + "/.build-id/" + prefix))
                if (auto bin = find(prefix + rest))
                    out.push_back(std::move(*bin));
        return out;
    }

    /// Adds the binary at `path` (its build-id read from its ELF note) as perf buildid-cache
    /// --add does: directory, `elf` link or copy, `debug` (the separate debuginfo in
    /// /usr/lib/debug/.build-id, if any), `.build-id` link, an empty `probes` file.
    /// An already cached binary is left as it is.
    /// Errors: io; not_found when the binary has no build-id; invalid when it is not ELF.
    result<cached_binary> add(char const* path) const
    {
#ifdef PROBEKIT_HAS_LIBDW
        char real[PATH_MAX];
        if (::realpath(path, real) == nullptr)
            return io_error("cannot find the binary", errno);
        auto const id = read_build_id(real);
        if (!id)
            return id.error();
        return add(real, id->hex());
#else
        (void)path;
        return parse_error{error_kind::unsupported, 0, 0, {},
                           "reading build-ids needs elfutils (PROBEKIT_HAS_LIBDW)", {}};
#endif
    }

    /// Adds `origname` under build-id `hex` (see above); the `elf` is made from `origname`
    /// unless it is the kernel's name.
    result<cached_binary> add(std::string const& origname, std::string const& hex) const
    {
        cached_binary bin;
        bin.build_id = hex;
        bin.origname = origname;
        bin.dir = entry_dir(origname, hex);
        if (!make_dirs(bin.dir))
            return io_error("cannot create the build-id directory", errno);

        if (origname.front() == '/') {
            std::string const elf = bin.dir + "/elf";
            if (::access(elf.c_str(), F_OK) != 0 && ::link(origname.c_str(), elf.c_str()) != 0 &&
                errno != EEXIST && !copy_file(origname, elf))
                return io_error("cannot copy the binary into the build-id directory", errno);
        }

        // perf also keeps the separate debuginfo it finds for the build-id, as `debug`.
        if (origname.front() == '/' && hex.size() > 2) {
            std::string const found = debuginfo_root_ + "/.build-id/" + hex.substr(0, 2) +
                                      "/" + hex.substr(2) + ".debug";
            std::string const debug = bin.dir + "/debug";
            if (::access(found.c_str(), R_OK) == 0 && ::access(debug.c_str(), F_OK) != 0 &&
                ::link(found.c_str(), debug.c_str()) != 0 && errno != EEXIST &&
                !copy_file(found, debug))
                return io_error("cannot copy the debuginfo into the build-id directory", errno);
        }

        std::string const link = link_path(hex);
        if (!make_dirs(link.substr(0, link.rfind('/'))))
            return io_error("cannot create the .build-id directory", errno);
        std::string target = "../..";
        if (origname.front() != '/')
            target += '/';
        target.append(origname).append("/").append(hex);
        if (::symlink(target.c_str(), link.c_str()) != 0 && errno != EEXIST)
            return io_error("cannot link the build-id", errno);

        // O_NONBLOCK: a FIFO in the file's place fails here instead of waiting for a reader.
        int const fd = ::open(bin.probes_path().c_str(),
                              O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
        if (fd < 0)
            return io_error("cannot create the probe cache", errno);
        ::close(fd);
        return bin;
    }

    /// Removes a cached binary (its directory and link), as perf buildid-cache --remove.
    /// Returns false when it was not cached. Errors: io.
    result<bool> remove(std::string_view hex) const
    {
        auto const bin = find(hex);
        if (!bin)
            return false;
        if (!remove_tree(bin->dir))
            return io_error("cannot remove the cached binary", errno);
        if (::unlink(link_path(hex).c_str()) != 0 && errno != ENOENT)
            return io_error("cannot remove the build-id link", errno);
        return true;
    }

private:
    static std::vector<std::string> sorted_names(std::string const& dir)
    {
        std::vector<std::string> names;
        DIR* const d = ::opendir(dir.c_str());
        if (d == nullptr)
            return names;
        while (dirent const* e = ::readdir(d)) {
            std::string_view const name = e->d_name;
            if (name != "." && name != "..")
                names.emplace_back(name);
        }
        ::closedir(d);
        std::sort(names.begin(), names.end());
        return names;
    }

    static bool make_dirs(std::string const& dir)
    {
        for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
            if (pos != dir.size() && dir[pos] != '/')
                continue;
            std::string const prefix = dir.substr(0, pos);
            if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
                return false;
        }
        return true;
    }

    static bool copy_file(std::string const& from, std::string const& to)
    {
        int const in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0)
            return false;
        struct stat st {};
        ::fstat(in, &st);
        int const out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                               st.st_mode & 07777);
        bool ok = out >= 0;
        char buffer[65536];
        while (ok) {
            ssize_t const n = ::read(in, buffer, sizeof buffer);
            if (n <= 0) {
                ok = n == 0;
                break;
            }
            ok = ::write(out, buffer, static_cast<std::size_t>(n)) == n;
        }
        ::close(in);
        if (out >= 0)
            ::close(out);
        return ok;
    }

    static bool remove_tree(std::string const& path)
    {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0)
            return errno == ENOENT;
        if (S_ISDIR(st.st_mode)) {
            for (auto const& name : sorted_names(path))
                if (!remove_tree(path + "/" + name))
                    return false;
            return ::rmdir(path.c_str()) == 0;
        }
        return ::unlink(path.c_str()) == 0;
    }

    std::string root_;
    std::string debuginfo_root_ = "/usr/lib/debug";
};

} // namespace probekit
