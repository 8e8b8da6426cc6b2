// The perf-probe grammar, in Spirit X3.
//
// A command is split on blanks into a probe point and its arguments (there is no quoting):
//
//   Point:  %[GROUP:]EVENT[@TARGET]                       SDT or cached-event reference
//        |  [[GROUP:]EVENT=]HEAD{:LINE|+OFFS|@SRC|%return}[;LAZY]
//   HEAD:   FUNC (glob, C++ `a::b`, or 0xADDR), a file spec SRC, or nothing
//   Arg:    [NAME=]VAR{->F|.F|[N]}[:TYPE][@user]   or a verbatim fetch (%di, $retval, ...)
//
//   e.g.  grp:ev=compute:6@app.c total     app.c;total=helper*     area%return $retval
//
// perf decides what a token is by the first unescaped separator it contains, so most
// alternatives open with a lookahead (`&(...)`) and the text is captured with `raw[]` as a
// view into the input. Semantic actions write into `perf_probe_builder`, reached through
// the context: nothing here allocates. Failures are positioned with `must`/`reject`
// (grammar/failure.hpp), so the same positions come out of a -fno-exceptions build.
#pragma once

#include <probekit/grammar/failure.hpp>
#include <probekit/grammar/perf_probe_builder.hpp>
#include <probekit/grammar/scan.hpp>

namespace probekit::grammar::perf_probe {

// --- character classes -------------------------------------------------------------------
// blank, token_end<>, char_in<> and ident_start/ident_char come from grammar/scan.hpp
inline auto const hex_prefix = x3::lit('0') >> char_in<"xX">;

// --- actions ------------------------------------------------------------------------------
/// The builder the entry point put into the context (`perf_probe_builder` or
/// `line_range_builder`).
template <typename Context>
auto& builder(Context const& context)
{
    return x3::get<builder_tag>(context).get();
}

/// Wraps a member function of the builder as an X3 action taking the captured range.
template <auto Member>
struct on_text {
    template <typename Context>
    void operator()(Context const& context) const
    {
        auto const& range = x3::_attr(context);
        std::string_view const text(range.begin(), static_cast<std::size_t>(range.size()));
        if (!(builder(context).*Member)(text, range.begin()))
            x3::_pass(context) = false;
    }
};

template <auto Member>
struct on_value {
    template <typename Context>
    void operator()(Context const& context) const
    {
        if (!(builder(context).*Member)(x3::_attr(context), x3::_where(context).begin()))
            x3::_pass(context) = false;
    }
};

/// A semantic predicate: the parse goes on only if the builder's member returns true.
template <auto Member>
struct when {
    template <typename Context>
    void operator()(Context const& context) const
    {
        x3::_pass(context) = (builder(context).*Member)();
    }
};

template <auto Member>
struct on_mark {
    template <typename Context>
    void operator()(Context const& context) const
    {
        if (!(builder(context).*Member)(x3::_where(context).begin()))
            x3::_pass(context) = false;
    }
};

// --- numbers as strtoul(..., 0) reads them: 0x1f, 017, 42; empty means 0 ---------------
inline x3::uint_parser<std::uint64_t, 16> const hex_u64;
inline x3::uint_parser<std::uint64_t, 8> const oct_u64;
inline x3::uint_parser<std::uint64_t, 10> const dec_u64;
inline x3::int_parser<std::int64_t, 16> const hex_i64;
inline x3::int_parser<std::int64_t, 8> const oct_i64;
inline x3::int_parser<std::int64_t, 10> const dec_i64;

struct number_class;
inline x3::rule<number_class, std::uint64_t> const number = "number";
inline auto const number_def =
    hex_prefix >> hex_u64 | &x3::lit('0') >> oct_u64 | dec_u64;
/// perf reads an empty number as 0 (`compute:` is `compute`).
struct number_or_zero_class;
inline x3::rule<number_or_zero_class, std::uint64_t> const number_or_zero = "number";
inline auto const number_or_zero_def = number | x3::attr(std::uint64_t{0});
BOOST_SPIRIT_DEFINE(number, number_or_zero)

// --- rule IDs ------------------------------------------------------------------------------
struct sdt_point_class;
struct event_prefix_class;
struct head_class;
struct suffix_class;
struct arg_class;
struct point_class;
struct command_class;

// --- the probe point -----------------------------------------------------------------------

// e.g. "%sdt_myprov:myev@/bin/app", "sdt_myprov:myev"
inline auto const sdt_text = x3::raw[scan<";=@+%", escapes>];
inline auto const sdt_group_text = x3::raw[scan<":;=@+%", escapes | at_least_one>];
inline auto const sdt_point_def =
    x3::eps[on_mark<&perf_probe_builder::start_sdt>{}] >> -x3::lit('%') >>
    -(&(sdt_group_text >> ':') >> sdt_group_text[on_text<&perf_probe_builder::set_group>{}] >>
      ':') >>
    sdt_text[on_text<&perf_probe_builder::set_event>{}] >>
    -('@' >> x3::raw[scan<"">][on_text<&perf_probe_builder::set_sdt_target>{}]) >>
    must("'@' or the end of the SDT name",
         "an SDT reference is %[GROUP:]EVENT[@TARGET]")[token_end<>];

/// perf's test: `%...`, or `sdt_...` with a ':' and no '=' in the point.
inline auto const sdt_ahead =
    &x3::lit('%') |
    &(word<"sdt_"> >> scan_to<":=", ':'> >> ':' >> scan<"="> >> token_end<>);

// e.g. "grp:ev=" and "ev="; each name is a C identifier, checked on the text as written
inline auto const event_name_message = "a group or event name must follow the C symbol-naming rule";
template <typename Terminator>
auto checked_ident(Terminator const& terminator)
{
    return x3::raw[must("event name (a C identifier)", event_name_message)[&ident_start] >>
                   *ident_char >>
                   must("event name (a C identifier)", event_name_message)[&terminator]];
}
inline auto const event_prefix_def =
    x3::eps[when<&perf_probe_builder::has_event_prefix>{}] >>
    -(&scan_to<":=", ':'> >>
      checked_ident(x3::lit(':'))[on_text<&perf_probe_builder::set_group>{}] >> ':') >>
    checked_ident(x3::lit('='))[on_text<&perf_probe_builder::set_event>{}] >> '=';

/// Reads what perf's tests need to know about a point in one pass, without consuming it.
struct point_shape_parser : x3::parser<point_shape_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const& context, RContext&,
               Attribute&) const noexcept
    {
        builder(context).set_shape(read_point_shape(first, last, failures(context).begin));
        return true;
    }
};
inline constexpr point_shape_parser point_shape{};
inline auto const file_spec_ahead = x3::eps[when<&perf_probe_builder::is_file_spec>{}];

/// `scan<";:+@%", escapes | cxx_scope>`, which usually has nothing left to do: the shape's
/// pass over the point has already found where the head ends.
struct function_head_parser : x3::parser<function_head_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Context, typename RContext, typename Attribute>
    bool parse(char const*& first, char const* last, Context const& context, RContext& rcontext,
               Attribute& attr) const noexcept
    {
        if (char const* const end = builder(context).known_head_end(first)) {
            first = end;
            return true;
        }
        return scan<";:+@%", escapes | cxx_scope>.parse(first, last, context, rcontext, attr);
    }
};

// `a::b` is a C++ scope, never a line number
inline auto const head_text = x3::raw[function_head_parser{}];
inline auto const file_head_text = x3::raw[scan<";:+@%", escapes>];
inline auto const address = hex_prefix >>
                            must("hexadecimal address", "invalid absolute address")[hex_u64] >>
                            must("end of the address", "invalid absolute address")
                                [token_end<";:+@%">];
inline auto const head_def =
    (file_spec_ahead >> file_head_text[on_text<&perf_probe_builder::set_file_head>{}]) |
    (&hex_prefix >> x3::raw[address][on_text<&perf_probe_builder::set_address>{}]) |
    head_text[on_text<&perf_probe_builder::set_function>{}];

inline auto const suffix_end = token_end<";:+@%">;
// X3 hands an action the range after its match, so each suffix marks its separator first.
inline auto const line_suffix =
    x3::lit(':')[on_mark<&perf_probe_builder::mark_line>{}] >>
    number_or_zero[on_value<&perf_probe_builder::set_line>{}] >>
    -(overflowed_number<':'> >>
      reject("a line number below 2^64", "the line number is too large")) >>
    must("line number", "there is a non-digit character in the line number")[suffix_end];
inline auto const offset_suffix =
    x3::lit('+')[on_mark<&perf_probe_builder::mark_offset>{}] >>
    number_or_zero[on_value<&perf_probe_builder::set_offset>{}] >>
    -(overflowed_number<'+'> >> reject("an offset below 2^64", "the offset is too large")) >>
    must("byte offset", "there is a non-digit character in the offset")[suffix_end];
inline auto const file_suffix =
    x3::lit('@') >> x3::raw[scan<";:+@%", escapes>]
                       [on_text<&perf_probe_builder::set_file_suffix>{}];
inline auto const return_suffix =
    x3::lit('%') >> must("'return'", "only %return is supported after '%'", error_kind::unsupported)
                        [word<"return"> >> suffix_end] >>
    x3::eps[on_mark<&perf_probe_builder::set_return>{}];
/// Each suffix opens with its own character, so their order decides nothing but speed:
/// `%return`, the commonest, is tried first. One table test ends the list, where trying
/// the alternatives in turn takes four tests, each a branch that varies from line to line.
inline auto const suffix_def = return_suffix | line_suffix | offset_suffix | file_suffix;
inline auto const suffixes = *(&char_in<":+@%"> >> suffix_def);
inline auto const lazy_suffix =
    x3::lit(';') >> x3::raw[scan<"">][on_text<&perf_probe_builder::set_lazy>{}];

inline auto const normal_point =
    point_shape >> -event_prefix_def >> head_def >> suffixes >> -lazy_suffix;
inline auto const point_def =
    (sdt_ahead >> sdt_point_def) |
    (normal_point >> x3::eps[on_mark<&perf_probe_builder::finish_point>{}]);

// --- arguments -----------------------------------------------------------------------------

// e.g. "x=p->next->x:u32", "argv[0]:string", "r->label@user", "%di", "+0(%sp):u64"
inline auto const user_access = word<"@user"> >> token_end<>;
inline auto const arg_name =
    x3::raw[scan_to<"=", '='>][on_text<&perf_probe_builder::set_arg_name>{}] >> '=';
inline auto const field_name =
    x3::raw[must("field name", "a member name must follow '->' or '.'")
                [scan<"-.[:", user_suffix | at_least_one>]];
inline auto const index_field =
    x3::lit('[') >>
    x3::raw[must("array index", "an array index must be a number")
                [(-x3::lit('-') >> (hex_prefix >> hex_i64 | &x3::lit('0') >> oct_i64 |
                                    dec_i64)) >>
                 &x3::lit(']')]][on_text<&perf_probe_builder::add_index_field>{}] >>
    ']';
inline auto const member_field =
    (word<"->"> >> field_name[on_text<&perf_probe_builder::add_arrow_field>{}]) |
    (x3::lit('.') >> field_name[on_text<&perf_probe_builder::add_dot_field>{}]) |
    (&x3::lit('-') >>
     reject("'->', '.' or '['", "argument parse error: a lone '-' in a field chain"));
/// perf splits a value at its first `-.[` when it starts like a C name; the field chain
/// then starts at the stop. Otherwise, and for `$retval` or `%di`, the value runs to the
/// first ':'. A C name stopped by anything but `-.[` stopped where ':' would stop it too,
/// so one scan serves both forms, and the chain is empty for a plain value.
inline auto const value_text = x3::raw[(&ident_start >> scan<"-.[:", user_suffix>) |
                                       scan<":", user_suffix>];
inline auto const value = value_text[on_text<&perf_probe_builder::set_arg_var>{}] >>
                          *(&char_in<"-.["> >> (index_field | member_field));
inline auto const arg_type =
    x3::lit(':') >> x3::raw[scan<"", user_suffix>]
                       [on_text<&perf_probe_builder::set_arg_type>{}];
inline auto const arg_def =
    x3::eps[on_mark<&perf_probe_builder::start_arg>{}] >> -arg_name >>
    value >> -arg_type >>
    -user_access[on_mark<&perf_probe_builder::set_user_access>{}] >>
    must("'->', '.', '[', ':TYPE' or the end of the argument",
         "unexpected text in the argument")[token_end<>] >>
    x3::eps[on_mark<&perf_probe_builder::finish_arg>{}];

// --- the command ---------------------------------------------------------------------------
inline auto const command_def =
    *blank >> must("probe point", "the command is empty")[!token_end<>] >> point_def >>
    must("blank between arguments", "unexpected text after the probe point")[token_end<>] >>
    *(+blank >> (x3::eoi | arg_def)) >> x3::eoi;

/// The entry rules. A rule is a small handle to its definition, so handing one to
/// `x3::with` copies a few bytes, where copying the definition would copy the whole grammar
/// on every parse.
inline x3::rule<command_class> const command = "perf-probe command";
BOOST_SPIRIT_DEFINE(command)

// --- line ranges (perf probe -L) -----------------------------------------------------------

// e.g. "func", "func@src.c:10", "src.c:1+10", "func:0-10"
inline auto const range_name = x3::raw[+(x3::char_ - blank - ':' - '@')];
inline auto const range_bounds =
    // perf refuses "func:" (no start line), unlike the probe point "func:" (line 0)
    x3::lit(':') >>
    must("start line", "'start line' is not a valid number")
        [number[on_value<&line_range_builder::set_start>{}]] >>
    -((x3::lit('+') >> must("line count", "'+' must be followed by a line count")
                           [number[on_value<&line_range_builder::set_count>{}]]) |
      (x3::lit('-') >> must("end line", "'-' must be followed by an end line")
                           [number[on_value<&line_range_builder::set_end>{}]])) >>
    must("'+COUNT', '-END' or the end of the range",
         "unexpected text after the line range")[x3::eoi];
inline auto const line_range_def =
    must("function or file name", "the line range is empty")
        [range_name[on_text<&line_range_builder::set_name>{}]] >>
    -(x3::lit('@') >> must("source file", "'@' must be followed by a source file")
                          [range_name[on_text<&line_range_builder::set_file>{}]]) >>
    -range_bounds >>
    must("':START' or the end of the range", "unexpected text in the line range")[x3::eoi] >>
    x3::eps[on_mark<&line_range_builder::finish>{}];

struct line_range_class;
inline x3::rule<line_range_class> const line_range = "line range";
BOOST_SPIRIT_DEFINE(line_range)

} // namespace probekit::grammar::perf_probe
