// The state one trace-command parse writes into: the event being built and the caller's
// storage for its arguments and dereference chains (grammar/trace_probe_def.hpp fills it).
// No Spirit type appears here, so the public header can name it without X3.
#pragma once

#include <probekit/error.hpp>
#include <probekit/trace_probe_event.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace probekit::grammar::trace {

/// Where the view form of a parse puts what it finds. Args and derefs go into the spans in
/// order; each argument's chain is one contiguous run of `derefs`. The event is the
/// caller's (the result being returned), so it is built in place, not copied out.
struct trace_sink {
    trace_probe_view& event;
    std::span<trace_arg_view> args;
    std::span<fetch_deref_view> derefs;
    std::size_t arg_count = 0;
    std::size_t deref_count = 0;
};

// `parse_line(text, kind, sink)`, which fills a sink and returns the first error, is
// defined in grammar/trace_probe_def.hpp.

} // namespace probekit::grammar::trace
