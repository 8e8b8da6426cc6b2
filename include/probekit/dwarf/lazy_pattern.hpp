// perf's lazy line patterns (`area;*p->x*`): a glob matched against a whole source line
// with white space ignored on both sides, so `a=*` matches `    a = b;`.
//
//   lazy_match("\tint a = p->x * w;", "*p->x*")  // true
//   lazy_match("\treturn a;", "return*")         // true: leading tabs are ignored
#pragma once

#include <cctype>
#include <string_view>

namespace probekit::dwarf {

namespace detail {

inline bool is_blank(char c) noexcept
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// `[...]` at pattern position `p` (on the '['): does `c` belong to the class? `end` is
// set past the ']'. A class that never closes matches nothing.
inline bool match_char_class(std::string_view pat, std::size_t p, char c, std::size_t& end)
{
    bool const negate = p + 1 < pat.size() && pat[p + 1] == '!';
    std::size_t i = p + 1 + (negate ? 1 : 0);
    bool hit = false;
    bool first = true;
    for (; i < pat.size() && (pat[i] != ']' || first); ++i, first = false) {
        if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
            hit |= pat[i] <= c && c <= pat[i + 2];
            i += 2;
        } else {
            hit |= pat[i] == c;
        }
    }
    if (i >= pat.size())
        return false;
    end = i + 1;
    return hit != negate;
}

} // namespace detail

/// Matches `line` against the lazy `pattern` (glob: `*`, `?`, `[...]`, `\c`), skipping
/// white space in both until the pattern reaches a `*`, as perf's `strlazymatch` does.
inline bool lazy_match(std::string_view line, std::string_view pat)
{
    std::size_t s = 0;
    std::size_t p = 0;
    while (s < line.size() && p < pat.size() && pat[p] != '*') {
        if (detail::is_blank(line[s])) {
            ++s;
            continue;
        }
        if (detail::is_blank(pat[p])) {
            ++p;
            continue;
        }
        if (pat[p] == '?') {
            ++s, ++p;
            continue;
        }
        if (pat[p] == '[') {
            std::size_t end = 0;
            if (!detail::match_char_class(pat, p, line[s], end))
                return false;
            ++s, p = end;
            continue;
        }
        if (pat[p] == '\\' && p + 1 < pat.size())
            ++p;
        if (line[s] != pat[p])
            return false;
        ++s, ++p;
    }
    if (p < pat.size() && pat[p] == '*') {
        while (p < pat.size() && pat[p] == '*')
            ++p;
        if (p == pat.size())
            return true;
        for (; s < line.size(); ++s)
            if (lazy_match(line.substr(s), pat.substr(p)))
                return true;
    }
    return s == line.size() && p == pat.size();
}

} // namespace probekit::dwarf
