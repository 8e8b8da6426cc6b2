// The probe-able lines of a line range (`perf probe -L area:2-5`): source lines that own
// a statement row inside the function (or file), as perf's line finder collects them.
//
//   area       -> { path "/src/demo.c", offset 88 (decl line), start 88, end INT_MAX,
//                   lines {88, 90, 91, ...} }
#pragma once

#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/die_walk.hpp>
#include <probekit/dwarf/symbol_lookup.hpp>
#include <probekit/error.hpp>
#include <probekit/line_range.hpp>

#include <climits>
#include <set>
#include <string>

namespace probekit::dwarf {

/// The lines found for a range, with the absolute bounds perf prints.
struct line_listing {
    std::string function; ///< empty for a file range
    std::string path;     ///< the source file as DWARF names it
    std::string comp_dir; ///< the CU's compilation directory
    int offset = 0;       ///< the function's declaration line (0 for a file range)
    int start = 0;        ///< first line, absolute
    int end = INT_MAX;    ///< last line, absolute; INT_MAX: to the end of the function
    std::set<int> lines;  ///< lines with a probe-able address
};

namespace detail {

struct line_search {
    explicit line_search(line_listing& listing) : out(listing) {}

    line_listing& out;
    Dwarf_Die cu{};
    std::string fname;
    int first = 0, last = INT_MAX;

    void collect(Dwarf_Die* root)
    {
        walk_lines(root, [&](char const* file, int line, Dwarf_Addr addr) {
            if (!tail_equal(file, fname) || line < first || line > last)
                return false;
            // Only lines that the address maps back to (perf: "reversable" lines).
            char const* rfile = nullptr;
            int rline = 0;
            if (line_at(&cu, addr, rfile, rline) &&
                (line != rline || std::string_view(file) != rfile))
                return false;
            if (out.path.empty())
                out.path = file;
            out.lines.insert(line);
            return false;
        });
    }
};

inline int clamp_line(long long value) noexcept
{
    return value < 0 || value > INT_MAX ? INT_MAX : static_cast<int>(value);
}

} // namespace detail

/// Finds the probe-able lines of `range`. Errors: not_found (no such function, file or
/// line with code).
inline result<line_listing> find_line_range(debuginfo const& info, line_range const& range)
{
    line_listing out;
    detail::line_search s(out);
    Dwarf* dw = info.dwarf();
    std::string const function = unescape(range.function);
    std::string const file = unescape(range.file);
    long long const rel_start = range.has_start ? static_cast<long long>(range.start) : 0;
    long long const rel_end = range.has_end ? static_cast<long long>(range.end) : INT_MAX;

    Dwarf_Off off = 0, next = 0;
    std::size_t header = 0;
    while (dw && out.lines.empty() &&
           dwarf_nextcu(dw, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
        Dwarf_Off const here = off;
        off = next;
        if (!dwarf_offdie(dw, here + header, &s.cu))
            continue;
        s.fname.clear();
        if (range.has_file && !file.empty() && !find_cu_file(&s.cu, file, s.fname))
            continue;
        if (!range.has_function) {
            s.first = static_cast<int>(rel_start);
            s.last = detail::clamp_line(rel_end);
            out.start = s.first, out.end = s.last;
            s.collect(&s.cu);
            continue;
        }
        for_each_function(&s.cu, [&](Dwarf_Die& sp) {
            char const* dfile = decl_file(&sp);
            if (range.has_file && (!dfile || !tail_equal(file, dfile)))
                return true;
            // perf's die_match_name: DW_AT_name, else the linkage name (`__GI___libc_malloc`,
            // which perf's own alternative lookup hands back for `malloc`)
            char const* name = die_name(&sp);
            char const* linkage = linkage_name(&sp);
            bool const named = (name && symbol_matches(function, name)) ||
                               (linkage && symbol_matches(function, linkage));
            if (!named || !is_function_definition(&sp))
                return true;
            s.fname = dfile ? dfile : "";
            out.function = function;
            out.offset = decl_line(&sp);
            s.first = detail::clamp_line(out.offset + rel_start);
            s.last = detail::clamp_line(out.offset + rel_end);
            out.start = s.first, out.end = s.last;
            if (is_function_instance(&sp)) {
                s.collect(&sp);
            } else {
                walk_instances(&sp, [&](Dwarf_Die& in) {
                    s.collect(&in);
                    return false;
                });
            }
            return false;
        });
        if (!out.lines.empty()) {
            Dwarf_Attribute attr;
            char const* dir = dwarf_formstring(dwarf_attr(&s.cu, DW_AT_comp_dir, &attr));
            out.comp_dir = dir ? dir : "";
        }
    }
    if (out.lines.empty())
        return parse_error{error_kind::not_found, 0, 0, "", "no probe-able line in the range",
                           ""};
    return out;
}

} // namespace probekit::dwarf
