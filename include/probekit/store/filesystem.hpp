// The default store: one `probes` file on a file system, in perf's layout
// (`<root>/<abs path>/<build-id>/probes`). Commits are safe against crashes and against
// other writers, which perf 6.1's are not (it truncates and rewrites in place, unlocked):
//
//   1. flock(LOCK_EX) on the build-id directory (the file itself is replaced, so its
//      inode cannot carry the lock; perf never locks, so nothing waits on us);
//   2. re-read the file, and let the cache apply its changes to what is there now;
//   3. write a temporary file in the same directory, fsync it;
//   4. rename it over `probes`, fsync the directory; then unlock.
//
// A reader sees the old file or the new one, never a part; a writer killed at any point
// leaves the old file (and at worst a stray `.probes.XXXXXX`, removed by the next commit).
#pragma once

#include <probekit/store/store.hpp>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace probekit {

class filesystem_store {
public:
    static constexpr bool may_grow = true;

    /// `path` names the `probes` file; its directory must exist for a commit.
    explicit filesystem_store(std::string path) : path_(std::move(path)) {}

    std::string const& path() const noexcept { return path_; }
    std::span<std::byte> arena_memory() noexcept { return {}; }

    /// The file's bytes in `arena`; a missing file reads as empty.
    /// Errors: io (with errno's name as the code) when it exists but cannot be read.
    result<std::string_view> read(cache_arena& arena) const
    {
        // O_NONBLOCK: opening a FIFO put in the cache's place must not wait for a writer
        // (read_all then refuses anything but a regular file).
        int const fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            if (errno == ENOENT)
                return std::string_view();
            return io_error("cannot open the probe cache", errno);
        }
        auto text = read_all(fd, arena);
        ::close(fd);
        return text;
    }

    /// Errors: io when locking, reading, writing or renaming fails (the old file is then
    /// untouched); whatever the rewrite returns.
    result<store_done> commit(cache_arena& arena, cache_rewrite rewrite)
    {
        std::string const dir = directory();
        int const dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
            return io_error("cannot open the probe cache directory", errno);
        int rc;
        while ((rc = ::flock(dir_fd, LOCK_EX)) < 0 && errno == EINTR) {
        }
        if (rc < 0) {
            int const err = errno;
            ::close(dir_fd);
            return io_error("cannot lock the probe cache", err);
        }
        auto done = commit_locked(dir, dir_fd, arena, rewrite);
        ::close(dir_fd); // releases the lock
        return done;
    }

private:
    std::string directory() const
    {
        auto const slash = path_.rfind('/');
        if (slash == std::string::npos)
            return ".";
        return slash == 0 ? "/" : path_.substr(0, slash);
    }

    /// Temporary files are only made under the lock, so any found while we hold it was
    /// left by a writer that died; removing them keeps crashes from piling up files.
    static void remove_stale_temporaries(std::string const& dir)
    {
        DIR* const d = ::opendir(dir.c_str());
        if (d == nullptr)
            return;
        while (dirent const* e = ::readdir(d))
            if (std::string_view(e->d_name).starts_with(".probes."))
                ::unlinkat(::dirfd(d), e->d_name, 0);
        ::closedir(d);
    }

    static result<std::string_view> read_all(int fd, cache_arena& arena)
    {
        struct stat st {};
        if (::fstat(fd, &st) < 0)
            return io_error("cannot stat the probe cache", errno);
        if (!S_ISREG(st.st_mode))
            return io_error("the probe cache is not a regular file", EINVAL);
        std::size_t const size = static_cast<std::size_t>(st.st_size);
        char* const text = arena.allocate_array<char>(size + 1);
        if (text == nullptr)
            return parse_error{error_kind::io, 0, 0, {}, "out of memory", {}};
        std::size_t got = 0;
        while (got < size) {
            ssize_t const n = ::read(fd, text + got, size - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return io_error("cannot read the probe cache", errno);
            if (n == 0)
                break; // shrank while we read: take what is there
            got += static_cast<std::size_t>(n);
        }
        return std::string_view(text, got);
    }

    result<store_done> commit_locked(std::string const& dir, int dir_fd, cache_arena& arena,
                                     cache_rewrite rewrite)
    {
        auto const current = read(arena);
        if (!current)
            return current.error();
        remove_stale_temporaries(dir);

        std::string temp = dir + "/.probes.XXXXXX";
        int const fd = ::mkostemp(temp.data(), O_CLOEXEC);
        if (fd < 0)
            return io_error("cannot create a temporary probe cache", errno);
        auto const fail = [&](parse_error error) {
            ::close(fd);
            ::unlink(temp.c_str());
            return error;
        };
        if (::fchmod(fd, 0644) < 0)
            return fail(io_error("cannot set the mode of the probe cache", errno));

        // Buffered writes: one write(2) per 64 KiB, whatever the number of entries.
        struct fd_sink final : store_sink {
            int fd;
            int error = 0;
            std::size_t used = 0;
            char buffer[65536];
            bool flush()
            {
                std::size_t done = 0;
                while (done < used) {
                    ssize_t const n = ::write(fd, buffer + done, used - done);
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n < 0) {
                        error = errno;
                        return false;
                    }
                    done += static_cast<std::size_t>(n);
                }
                used = 0;
                return true;
            }
            bool append(std::string_view s) override
            {
                while (!s.empty()) {
                    if (used == sizeof buffer && !flush())
                        return false;
                    std::size_t const n = std::min(s.size(), sizeof buffer - used);
                    std::memcpy(buffer + used, s.data(), n);
                    used += n;
                    s.remove_prefix(n);
                }
                return true;
            }
        };
        auto sink = std::make_unique<fd_sink>();
        sink->fd = fd;
        auto done = rewrite(*current, *sink);
        if (!done)
            return fail(done.error());
        if (!sink->flush())
            return fail(io_error("cannot write the probe cache", sink->error));
        if (::fsync(fd) < 0)
            return fail(io_error("cannot sync the probe cache", errno));
        if (::close(fd) < 0) {
            ::unlink(temp.c_str());
            return io_error("cannot write the probe cache", errno);
        }
        if (::rename(temp.c_str(), path_.c_str()) < 0) {
            int const err = errno;
            ::unlink(temp.c_str());
            return io_error("cannot replace the probe cache", err);
        }
        if (::fsync(dir_fd) < 0)
            return io_error("cannot sync the probe cache directory", errno);
        return store_done{};
    }

    std::string path_;
};

} // namespace probekit
