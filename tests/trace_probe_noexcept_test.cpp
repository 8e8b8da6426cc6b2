// The trace corpus, parsed by a -fno-exceptions -fno-rtti build: the same verdicts and
// positions as tests/trace_probe_test.cpp. A plain main() (Boost.Test needs exceptions);
// exits nonzero on the first mismatch it reports.
#include <probekit/trace_probe.hpp>

#include "trace_corpus.hpp"

#include <cstdio>
#include <string>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(__GXX_RTTI)
#error "this test must be built with -fno-exceptions -fno-rtti"
#endif

int main()
{
    using namespace probekit;
    std::string const dir = PROBEKIT_TEST_DATA_DIR "/corpus";
    int failures = 0;
    std::size_t valid = 0, invalid = 0;
    trace_probe_storage storage;

    for (auto const& row : test::read_trace_rows(dir, true)) {
        auto const kind = *parse_trace_kind(row.kind);
        auto const ev = parse_trace_probe(row.command, kind, storage);
        if (!ev) {
            std::printf("FAIL valid row rejected (line %zu): %s\n", row.line, row.command.c_str());
            ++failures;
            continue;
        }
        std::string canonical;
        synthesize_trace_probe(*ev, canonical);
        trace_probe_storage again_storage;
        auto const again = parse_trace_probe(canonical, kind, again_storage);
        std::string second;
        if (again)
            synthesize_trace_probe(*again, second);
        if (!again || second != canonical || !(*again == *ev)) {
            std::printf("FAIL round trip (line %zu): %s -> %s\n", row.line, row.command.c_str(),
                        canonical.c_str());
            ++failures;
            continue;
        }
        ++valid;
    }

    for (auto const& row : test::read_trace_rows(dir, false)) {
        if (row.stage != "parse")
            continue;
        auto const ev = parse_trace_probe(row.command, *parse_trace_kind(row.kind), storage);
        bool const on_purpose = !test::accepted_on_purpose(row.command).empty();
        if (ev.has_value() != on_purpose) {
            std::printf("FAIL invalid row verdict (line %zu): %s\n", row.line,
                        row.command.c_str());
            ++failures;
            continue;
        }
        if (!ev && row.error_pos && ev.error().offset != *row.error_pos) {
            std::printf("FAIL position %zu, expected %zu (line %zu): %s\n", ev.error().offset,
                        *row.error_pos, row.line, row.command.c_str());
            ++failures;
            continue;
        }
        ++invalid;
    }

    std::printf("%zu valid rows and %zu invalid rows agree; %d failures\n", valid, invalid,
                failures);
    return (failures == 0 && valid > 0 && invalid > 0) ? 0 : 1;
}
