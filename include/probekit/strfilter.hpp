// perf's string filters: globs combined with `!`, `&`, `|` and parentheses (`&` binds
// tighter than `|`). Each glob must match the whole string; `*` is any run of characters,
// `?` one character, `[a-z]`/`[!a-z]` a class, `\c` the character `c`.
//
//   auto f = probekit::parse_strfilter("*:ev2&g2:*");
//   f->match("g2:ev2")   // true
//   f->match("probe:ev") // false
//
// The probe cache applies a filter to `GROUP:EVENT` of a named entry, or to the whole
// command of an unnamed one, as `perf probe --cache -l/-d FILTER` does.
#pragma once

#include <probekit/error.hpp>
#include <probekit/grammar/strfilter.hpp>

#include <bitset>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace probekit {

/// Matches `text` against a glob as a whole. Complexity: O(|glob|·|text|) at worst.
inline bool glob_match(std::string_view glob, std::string_view text) noexcept
{
    // `[...]` at `glob[g]` (just after the '['): does `c` match, and where does it end?
    auto const match_class = [&](std::size_t g, char c, std::size_t& end) {
        bool const negate = g < glob.size() && (glob[g] == '!' || glob[g] == '^');
        if (negate)
            ++g;
        bool hit = false;
        std::size_t const first = g;
        for (; g < glob.size() && (glob[g] != ']' || g == first); ++g) {
            if (g + 2 < glob.size() && glob[g + 1] == '-' && glob[g + 2] != ']') {
                hit |= glob[g] <= c && c <= glob[g + 2];
                g += 2;
            } else {
                hit |= glob[g] == c;
            }
        }
        if (g >= glob.size())
            return false; // an unterminated class matches nothing
        end = g + 1;
        return hit != negate;
    };

    // Classic backtracking on the last '*': linear state, no recursion.
    std::size_t g = 0, t = 0, star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (g < glob.size()) {
            char const p = glob[g];
            std::size_t end = g + 1;
            if (p == '*') {
                star = g++;
                star_text = t;
                continue;
            }
            bool ok = false;
            if (p == '?')
                ok = true;
            else if (p == '[')
                ok = match_class(g + 1, text[t], end);
            else if (p == '\\' && g + 1 < glob.size()) {
                ok = glob[g + 1] == text[t];
                end = g + 2;
            } else
                ok = p == text[t];
            if (ok) {
                g = end;
                ++t;
                continue;
            }
        }
        if (star == std::string_view::npos)
            return false;
        g = star + 1;
        t = ++star_text;
    }
    while (g < glob.size() && glob[g] == '*')
        ++g;
    return g == glob.size();
}

/// A compiled filter; owns its text.
class strfilter {
public:
    /// Most nesting the evaluator supports (operands waiting on its stack).
    static constexpr std::size_t max_depth = 256;

    /// Does `text` pass the filter? Complexity: one glob match per glob in the filter.
    bool match(std::string_view text) const noexcept
    {
        std::bitset<max_depth> stack;
        std::size_t top = 0;
        for (auto const& op : program_) {
            switch (op.kind) {
            case grammar::strfilter_op::glob:
                stack[top++] =
                    glob_match(std::string_view(text_).substr(op.offset, op.length), text);
                break;
            case grammar::strfilter_op::not_: stack[top - 1] = !stack[top - 1]; break;
            case grammar::strfilter_op::and_:
                --top;
                stack[top - 1] = stack[top - 1] && stack[top];
                break;
            case grammar::strfilter_op::or_:
                --top;
                stack[top - 1] = stack[top - 1] || stack[top];
                break;
            }
        }
        return top == 1 && stack[0];
    }

    /// The filter as given.
    std::string_view text() const noexcept { return text_; }

private:
    friend result<strfilter> parse_strfilter(std::string_view text);
    std::string text_;
    std::vector<grammar::strfilter_op> program_;
};

/// Compiles a filter. Errors: invalid, at the offending byte (an operator without an
/// operand, an unbalanced parenthesis, an empty filter, nesting deeper than `max_depth`).
/// Complexity: linear in `text`.
inline result<strfilter> parse_strfilter(std::string_view text)
{
    strfilter filter;
    filter.text_.assign(text);
    if (auto error = grammar::parse_strfilter_program(filter.text_, filter.program_))
        return *error;

    // Operands waiting at once: reject what the fixed evaluation stack cannot hold.
    std::size_t depth = 0;
    for (auto const& op : filter.program_) {
        if (op.kind == grammar::strfilter_op::glob && ++depth > strfilter::max_depth)
            return parse_error{error_kind::unsupported, op.offset, op.length, {},
                               "the filter nests too deeply", {}};
        if (op.kind == grammar::strfilter_op::and_ || op.kind == grammar::strfilter_op::or_)
            --depth;
    }
    return filter;
}

} // namespace probekit
