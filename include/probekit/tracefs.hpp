// The tracefs sink: the kernel's list of uprobes (`uprobe_events`), read and written one
// trace command at a time, as `perf probe -a/-d/-l` does.
//
//   probekit::tracefs_uprobes sink;                 // /sys/kernel/tracing, else debugfs
//   sink.add("p:grp/ev /bin/app:0x1159");
//   sink.remove("grp", "ev");                       // writes "-:grp/ev"
#pragma once

#include <probekit/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <string_view>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace probekit {

/// One line of `uprobe_events`, split into what listing and deletion need.
struct tracefs_event {
    char kind = 'p';     ///< 'p' or 'r'
    std::string group;
    std::string event;
    std::string module;  ///< the path before `:0x...`
    std::uint64_t address = 0;
    std::vector<std::string> args; ///< `name=fetch[:type]` as the kernel lists them
};

/// Splits a line as the kernel lists it: `p:grp/ev /bin/app:0x0000000000001185 arg1=%di`.
inline bool split_tracefs_line(std::string_view line, tracefs_event& out)
{
    if (line.size() < 3 || line[1] != ':')
        return false;
    out = {};
    out.kind = line[0];
    auto const space = line.find(' ');
    auto const names = line.substr(2, space == std::string_view::npos ? line.npos : space - 2);
    auto const slash = names.find('/');
    if (slash == std::string_view::npos)
        return false;
    out.group = names.substr(0, slash);
    out.event = names.substr(slash + 1);
    std::vector<std::string> words;
    for (std::size_t p = space; p != std::string_view::npos && p < line.size();) {
        auto const start = line.find_first_not_of(' ', p);
        if (start == std::string_view::npos)
            break;
        auto const end = line.find(' ', start);
        words.emplace_back(line.substr(start, end == line.npos ? line.npos : end - start));
        p = end;
    }
    if (words.empty())
        return false;
    auto const colon = words[0].rfind(":0x");
    if (colon == std::string::npos)
        return false;
    out.module = words[0].substr(0, colon);
    out.address = std::strtoull(words[0].c_str() + colon + 1, nullptr, 16);
    out.args.assign(words.begin() + 1, words.end());
    return true;
}

/// `uprobe_events` of the running kernel.
class tracefs_uprobes {
public:
    /// Uses /sys/kernel/tracing, or /sys/kernel/debug/tracing when only debugfs is there.
    tracefs_uprobes()
    {
        for (char const* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
            std::string const file = std::string(dir) + "/uprobe_events";
            if (access(file.c_str(), F_OK) == 0) {
                path_ = file;
                return;
            }
        }
        path_ = "/sys/kernel/tracing/uprobe_events";
    }
    explicit tracefs_uprobes(std::string path) : path_(std::move(path)) {}

    std::string const& path() const noexcept { return path_; }

    /// The current events, in the kernel's order. Errors: io.
    result<std::vector<tracefs_event>> list() const
    {
        std::ifstream in(path_);
        if (!in)
            return io_error("cannot read uprobe_events");
        std::vector<tracefs_event> out;
        std::string line;
        while (std::getline(in, line)) {
            tracefs_event ev;
            if (split_tracefs_line(line, ev))
                out.push_back(std::move(ev));
        }
        return out;
    }

    /// Appends one trace command. Errors: io, with the kernel's errno in `errno_value()`.
    result<bool> add(std::string const& command) { return write(command); }

    /// Removes `group/event`.
    result<bool> remove(std::string const& group, std::string const& event)
    {
        return write("-:" + group + "/" + event);
    }

    int errno_value() const noexcept { return errno_; }

private:
    static parse_error io_error(std::string_view message)
    {
        return parse_error{error_kind::io, 0, 0, "", message, ""};
    }

    result<bool> write(std::string const& command)
    {
        // One write(2) per command: the kernel parses each write as one definition.
        int const fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0) {
            errno_ = errno;
            return io_error("cannot open uprobe_events for writing");
        }
        std::string const line = command + "\n";
        ssize_t const n = ::write(fd, line.data(), line.size());
        errno_ = n == static_cast<ssize_t>(line.size()) ? 0 : errno;
        ::close(fd);
        if (errno_ != 0)
            return io_error("the kernel rejected the trace command");
        return true;
    }

    std::string path_;
    int errno_ = 0;
};

} // namespace probekit
