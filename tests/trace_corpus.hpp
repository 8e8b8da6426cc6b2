// The trace corpus rows (tests/data/corpus/trace-*.tsv) as the trace tests read them,
// shared by the Boost.Test suites and the -fno-exceptions check.
#pragma once

#include <probekit/trace_probe_event.hpp>

#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::test {

struct trace_row {
    std::string command;       ///< placeholders such as `<text_offset>` already replaced
    std::string kind;          ///< kprobe, uprobe, eprobe, fprobe, tprobe
    bool valid = true;
    std::optional<std::size_t> error_pos; ///< the kernel's caret, where the row gives one
    std::string error_name;    ///< e.g. BAD_MAXACT
    std::string stage;         ///< invalid rows: parse or system
    std::string notes;
    std::size_t line = 0;      ///< line in the TSV, for messages
};

inline std::ostream& operator<<(std::ostream& os, trace_row const& row)
{
    return os << (row.valid ? "valid" : "invalid") << " line " << row.line << " ["
              << row.kind << "] " << row.command;
}

/// Rows name values that depend on the machine (`+<offset_to_next_symbol>`,
/// `0x<text_offset>`); a number stands in for them.
inline std::string fill_placeholders(std::string text)
{
    for (;;) {
        auto const open = text.find('<');
        auto const close = open == text.npos ? text.npos : text.find('>', open);
        if (close == text.npos)
            return text;
        text.replace(open, close - open + 1, "16");
    }
}

inline std::vector<std::string> split_tabs(std::string const& line)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        auto const tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == line.npos ? line.npos : tab - start));
        if (tab == line.npos)
            return fields;
        start = tab + 1;
    }
}

/// Reads trace-valid.tsv (`valid`) or trace-invalid.tsv from `dir`; empty if missing.
inline std::vector<trace_row> read_trace_rows(std::string const& dir, bool valid)
{
    std::vector<trace_row> rows;
    std::ifstream in(dir + (valid ? "/trace-valid.tsv" : "/trace-invalid.tsv"));
    std::string line;
    std::size_t number = 0;
    std::getline(in, line); // the header
    ++number;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty())
            continue;
        auto const f = split_tabs(line);
        trace_row row;
        row.line = number;
        row.valid = valid;
        row.command = fill_placeholders(f.at(0));
        row.kind = f.size() > 1 ? f[1] : "";
        if (valid) {
            row.notes = f.size() > 2 ? f[2] : "";
        } else {
            if (f.size() > 2 && !f[2].empty())
                row.error_pos = std::stoul(f[2]);
            row.error_name = f.size() > 3 ? f[3] : "";
            row.notes = f.size() > 5 ? f[5] : "";
            row.stage = f.size() > 6 ? f[6] : "";
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

/// Invalid `parse` rows that probekit accepts on purpose, and why (docs/limitations.md).
inline std::string_view accepted_on_purpose(std::string_view command)
{
    struct entry {
        std::string_view command, reason;
    };
    static constexpr entry entries[] = {
        {"f vfs_read%return $arg*", "entry args on return probes exist since 6.x (L-030)"},
        {"f vfs_read $retval $arg1", "entry args on return probes exist since 6.x (L-030)"},
        {"f vfs_read $arg*", "BTF args exist on this kernel generation (L-030)"},
        {"t kfree $arg*", "BTF args exist on this kernel generation (L-030)"},
        {"p vfs_read +0(%ax)+10", "6.x ignores text after the last ')' (L-030)"},
        {"f kfree%return $retval", "needs BTF: kfree returns void (L-031)"},
        {"f vfs_read%return $retval->foo", "needs BTF: the return type (L-031)"},
        {"f vfs_read file:string", "needs BTF: the type of 'file' (L-031)"},
    };
    for (auto const& e : entries)
        if (e.command == command)
            return e.reason;
    return {};
}

} // namespace probekit::test
