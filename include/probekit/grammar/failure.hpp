// Failure positions without exceptions.
//
// X3's expectation points (`a > b`) report where a parse failed by throwing
// `expectation_failure`, and its `on_error` handlers catch it; neither works in a
// `-fno-exceptions` build. probekit's grammars use `must(what)[p]` instead: when `p` fails,
// the first such failure is recorded (position, what was expected, a message) in a
// `failure_state` that the grammar reaches through its context, and the parse fails as
// usual. The entry point reports a recorded failure even if an enclosing alternative
// recovered, which gives `must` the commitment of `>`: once a must-point is reached, the
// input is judged there.
//
//   must("line number")[uint_]                    e.g. "area:x" fails at 'x'
//   reject("line number", "two line numbers")     always fails, recording the message
#pragma once

#include <probekit/error.hpp>

// X3 names unnamed parsers with typeid unless told not to; -fno-rtti builds must tell it.
#if !defined(BOOST_SPIRIT_X3_NO_RTTI) && !defined(__GXX_RTTI) && !defined(__cpp_rtti)
#define BOOST_SPIRIT_X3_NO_RTTI
#endif
#include <boost/spirit/home/x3.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace probekit::grammar {

namespace x3 = boost::spirit::x3;

/// The first committed failure of one parse.
struct failure_state {
    char const* begin = nullptr; ///< start of the whole input, to compute offsets
    bool failed = false;
    parse_error error;

    void record(char const* where, std::string_view expected, std::string_view message,
                error_kind kind = error_kind::invalid, std::string_view code = {},
                std::size_t length = 0) noexcept
    {
        if (failed)
            return;
        failed = true;
        error = parse_error{kind, static_cast<std::size_t>(where - begin), length, expected,
                            message, code};
    }
};

struct failure_tag;

/// The grammars run over `char const*`; this keeps `end()` positions valid (no dereference).
inline char const* pointer(char const* it) noexcept { return it; }

template <typename Context>
failure_state& failures(Context const& context)
{
    return x3::get<failure_tag>(context).get();
}

/// What a failing `must` or `reject` records.
struct failure_note {
    std::string_view expected;
    std::string_view message;
    error_kind kind = error_kind::invalid;
    std::string_view code;
};

template <typename Subject>
struct must_directive : x3::unary_parser<Subject, must_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, must_directive<Subject>>;
    static bool const is_pass_through_unary = true;

    constexpr must_directive(Subject const& subject, failure_note note)
        : base_type(subject), note(note)
    {
    }

    template <typename It, typename Context, typename RContext, typename Attribute>
    bool parse(It& first, It const& last, Context const& context, RContext& rcontext,
               Attribute& attr) const
    {
        if (this->subject.parse(first, last, context, rcontext, attr))
            return true;
        failures(context).record(pointer(first), note.expected, note.message,
                                 note.kind, note.code);
        return false;
    }

    failure_note note;
};

struct must_generator {
    failure_note note;

    template <typename Subject>
    constexpr must_directive<typename x3::extension::as_parser<Subject>::value_type>
    operator[](Subject const& subject) const
    {
        return {x3::as_parser(subject), note};
    }
};

/// `must(what)[p]`: `p` has to match here; otherwise the parse fails at this position.
constexpr must_generator must(std::string_view expected, std::string_view message = {},
                              error_kind kind = error_kind::invalid,
                              std::string_view code = {})
{
    return {{expected, message, kind, code}};
}

/// A parser that always fails, recording a failure at the current position.
struct reject_parser : x3::parser<reject_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    failure_note note;

    constexpr explicit reject_parser(failure_note note) : note(note) {}

    template <typename It, typename Context, typename RContext, typename Attribute>
    bool parse(It& first, It const&, Context const& context, RContext&, Attribute&) const
    {
        failures(context).record(pointer(first), note.expected, note.message, note.kind, note.code);
        return false;
    }
};

constexpr reject_parser reject(std::string_view expected, std::string_view message = {},
                               error_kind kind = error_kind::invalid,
                               std::string_view code = {})
{
    return reject_parser{{expected, message, kind, code}};
}

/// Runs `parser` over all of `text` with a failure state in its context. Returns the
/// recorded failure, or a failure at the first unparsed byte, or nothing on success.
template <typename Parser>
std::optional<parse_error> parse_all(std::string_view text, Parser const& parser,
                                     std::string_view expected_at_end)
{
    failure_state state;
    state.begin = text.data();
    char const* first = text.data();
    char const* const last = text.data() + text.size();
    bool const matched =
        x3::parse(first, last, x3::with<failure_tag>(std::ref(state))[parser]);
    if (state.failed)
        return state.error;
    if (!matched || first != last)
        return parse_error{error_kind::invalid, static_cast<std::size_t>(first - text.data()),
                           0, expected_at_end, "unexpected text", {}};
    return std::nullopt;
}

} // namespace probekit::grammar
