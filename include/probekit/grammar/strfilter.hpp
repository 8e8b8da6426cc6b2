// The strfilter grammar (perf's filter expressions for `--cache -l/-d`, `--filter`):
//
//   filter  = or ;            or  = and { '|' and } ;       and = unary { '&' unary } ;
//   unary   = '!' unary | '(' or ')' | glob ;    glob = { char | '\' char | "[!" }+
//
// e.g.  "probe_app0:*"   "*:ev2&g2:*"   "!(a*|b?)"   "sdt_[a-m]*"
// Blanks around operators are skipped. The parse does not build a tree: each rule emits
// its operator after its operands (postfix), which is all that evaluation needs.
#pragma once

#include <probekit/grammar/failure.hpp>

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace probekit::grammar {

/// One postfix instruction of a compiled filter.
struct strfilter_op {
    enum kind_t : std::uint8_t { glob, not_, and_, or_ } kind = glob;
    std::uint32_t offset = 0; ///< glob: where its text starts in the filter
    std::uint32_t length = 0; ///< glob: its length, escapes included
};

struct strfilter_program_tag;

namespace strfilter_rules {

template <typename Context>
std::vector<strfilter_op>& program(Context const& context)
{
    return x3::get<strfilter_program_tag>(context).get();
}

inline auto emit(strfilter_op::kind_t kind)
{
    return [kind](auto& context) { program(context).push_back({kind, 0, 0}); };
}

inline auto const emit_glob = [](auto& context) {
    auto const& range = x3::_attr(context);
    auto const* begin = failures(context).begin;
    program(context).push_back({strfilter_op::glob,
                                static_cast<std::uint32_t>(&*range.begin() - begin),
                                static_cast<std::uint32_t>(range.size())});
};

// --- rule IDs -----------------------------------------------------------------------------
struct or_class;
struct and_class;
struct unary_class;
struct glob_class;

// --- rules: the string is what error messages call the rule -------------------------------
x3::rule<or_class> const or_expr = "filter";
x3::rule<and_class> const and_expr = "filter term";
x3::rule<unary_class> const unary = "filter term";
x3::rule<glob_class> const glob = "glob";

// --- definitions --------------------------------------------------------------------------
auto const blanks = *x3::char_(" \t");
// As in perf: '!' right after '[' opens a negated class (`[!a-z]`), not the operator, and a
// '\' at the very end stands for itself.
auto const glob_char = (x3::lit('\\') >> -x3::char_) | x3::lit("[!") |
                       (x3::char_ - x3::char_("!&|() \t\\"));
auto const glob_def = x3::raw[+glob_char][emit_glob];
auto const unary_def = blanks >>
    (('!' >> must("filter term")[unary])[emit(strfilter_op::not_)] |
     ('(' >> must("filter")[or_expr] >> blanks >> must("')'")[x3::lit(')')]) |
     glob) >> blanks;
auto const and_expr_def =
    unary >> *(('&' >> must("filter term")[unary])[emit(strfilter_op::and_)]);
auto const or_expr_def =
    and_expr >> *(('|' >> must("filter term")[and_expr])[emit(strfilter_op::or_)]);

BOOST_SPIRIT_DEFINE(or_expr, and_expr, unary, glob)

} // namespace strfilter_rules

/// Compiles `text` into postfix `program`. Returns the failure, if any.
inline std::optional<parse_error> parse_strfilter_program(std::string_view text,
                                                          std::vector<strfilter_op>& program)
{
    auto const parser = x3::with<strfilter_program_tag>(std::ref(program))[
        strfilter_rules::or_expr];
    auto error = parse_all(text, parser, "'&', '|' or the end of the filter");
    if (!error && program.empty())
        return parse_error{error_kind::invalid, 0, 0, "filter term", "the filter is empty", {}};
    return error;
}

} // namespace probekit::grammar
