// Reads the corpus tables: UTF-8, tab-separated, the first line names the columns.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace probekit::test {

struct tsv_row {
    std::size_t line = 0; ///< 1-based line in the file, for messages
    std::map<std::string, std::string> columns;

    std::string const& operator[](std::string const& name) const
    {
        static std::string const empty;
        auto const it = columns.find(name);
        return it == columns.end() ? empty : it->second;
    }
};

inline std::vector<std::string> split_tabs(std::string const& line)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        auto const tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos)
            return fields;
        start = tab + 1;
    }
}

/// All rows of a table; an unreadable file gives no rows (the caller asserts a count).
inline std::vector<tsv_row> read_tsv(std::string const& path)
{
    std::ifstream in(path);
    std::string line;
    std::vector<tsv_row> rows;
    if (!std::getline(in, line))
        return rows;
    auto const header = split_tabs(line);
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        if (line.empty())
            continue;
        tsv_row row{number, {}};
        auto const fields = split_tabs(line);
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
            row.columns[header[i]] = fields[i];
        rows.push_back(std::move(row));
    }
    return rows;
}

/// The vendored copy of a shared corpus table.
inline std::string corpus_path(std::string const& name)
{
    return std::string(PROBEKIT_TEST_DATA_DIR) + "/corpus/" + name;
}

} // namespace probekit::test
