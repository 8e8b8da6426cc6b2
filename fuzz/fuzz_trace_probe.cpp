// libFuzzer target for trace commands. Oracle: whatever parses must synthesize to a line
// that parses again, to the same event, and synthesizes to the same line; a view parse
// and an owning parse must agree.
#include <probekit/trace_probe.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void oracle_failed(char const* what, std::string_view input, std::string const& out)
{
    std::fprintf(stderr, "oracle failed: %s\n  input: '%.*s'\n  canonical: '%s'\n", what,
                 static_cast<int>(input.size()), input.data(), out.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using namespace probekit;
    if (size < 1)
        return 0;
    // The first byte picks the kind, the rest is the line.
    auto const kind = static_cast<trace_kind>(data[0] % 6);
    std::string_view const text(reinterpret_cast<char const*>(data) + 1, size - 1);

    static trace_probe_storage storage;
    auto const view = parse_trace_probe(text, kind, storage);
    auto const owning = parse_trace_probe(text, kind);
    if (view.has_value() != owning.has_value())
        oracle_failed("view and owning parses disagree", text, {});
    if (!view) {
        if (view.error().offset > text.size())
            oracle_failed("error offset past the end", text, {});
        return 0;
    }

    std::string canonical;
    synthesize_trace_probe(*view, canonical);
    std::string from_owning;
    synthesize_trace_probe(*owning, from_owning);
    if (canonical != from_owning)
        oracle_failed("view and owning synthesize differently", text, canonical);

    // The canonical line is read with the kind the first parse decided.
    auto const again = parse_trace_probe(canonical, view->kind);
    if (!again)
        oracle_failed("canonical line rejected", text, canonical);
    if (!(*again == *owning))
        oracle_failed("canonical line parses to another event", text, canonical);
    std::string second;
    synthesize_trace_probe(*again, second);
    if (second != canonical)
        oracle_failed("second synthesis differs", text, canonical);
    return 0;
}
