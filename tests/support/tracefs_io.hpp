// What the live tests (label `kernel`) need of tracefs: its root, whether uprobes can be
// added here, one command written per write(2), and a file read whole.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace probekit::test {

inline std::string const tracefs = "/sys/kernel/tracing";

/// Can this process add uprobes? (root, and tracefs mounted with uprobes)
inline bool tracefs_writable()
{
    return ::access((tracefs + "/uprobe_events").c_str(), W_OK) == 0;
}

/// Writes `text` and a newline in one write(2): tracefs files take one command per write,
/// and they cannot seek to their end (which std::ofstream's append mode does first).
inline bool write_tracefs(std::string const& path, std::string const& text, bool append)
{
    int const fd = ::open(path.c_str(), O_WRONLY | (append ? O_APPEND : O_TRUNC));
    if (fd < 0)
        return false;
    std::string const line = text + "\n";
    bool const ok = ::write(fd, line.data(), line.size()) == ssize_t(line.size());
    ::close(fd);
    return ok;
}

/// The whole file (empty when it cannot be read).
inline std::string read_file(std::string const& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace probekit::test
