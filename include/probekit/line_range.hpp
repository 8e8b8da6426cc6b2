// The model of a line range, the argument of `perf probe -L`:
//
//   FUNC[@SRC][:START[-END|+COUNT]]   or   SRC[:START[-END|+COUNT]]
//   e.g.  area     area@app.c:3-5     app.c:20+4
//
// `+COUNT` is stored as the END it stands for (`20+4` is `20-23`), as perf does.
#pragma once

#include <probekit/perf_probe_event.hpp>

#include <cstdint>

namespace probekit {

template <typename Strings>
struct basic_line_range {
    typename Strings::string function; ///< function name, when the range is in a function
    typename Strings::string file;     ///< source file (`@SRC`, or the spec itself)
    std::uint64_t start = 0;           ///< first line; 0 = from the start
    std::uint64_t end = 0;             ///< last line, inclusive; meaningful if has_end
    bool has_function = false;
    bool has_file = false;
    bool has_start = false; ///< `:START` was written
    bool has_end = false;   ///< `-END` or `+COUNT` was written

    friend bool operator==(basic_line_range const&, basic_line_range const&) = default;
};

using line_range_view = basic_line_range<view_strings>;
using line_range = basic_line_range<owning_strings>;

inline line_range to_owning(line_range_view const& v)
{
    return {std::string(v.function), std::string(v.file), v.start, v.end,
            v.has_function, v.has_file, v.has_start, v.has_end};
}

} // namespace probekit
