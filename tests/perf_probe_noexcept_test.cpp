// The parse and synthesize headers in a -fno-exceptions -fno-rtti build, over the same
// corpus, each command also kept in a perf_probe_list: the error positions must match the
// normal build's (both are recorded without exceptions). A plain main(), since Boost.Test
// itself needs exceptions.
#include <probekit/perf_probe.hpp>
#include <probekit/perf_probe_list.hpp>

#include "support/tsv.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <boost/assert/source_location.hpp>

// Boost reports errors through this hook when exceptions are off; the grammar never
// throws, so reaching it is a failure.
namespace boost {
void throw_exception(std::exception const&) { std::abort(); }
void throw_exception(std::exception const&, boost::source_location const&)
{
    std::abort();
}
} // namespace boost

int main()
{
    int failures = 0;
    std::size_t checked = 0;
    static probekit::perf_probe_storage storage;
    probekit::perf_probe_list list;

    for (auto const& row : probekit::test::read_tsv(
             probekit::test::corpus_path("perf-probe-valid.tsv"))) {
        std::string_view const command = row["command"];
        if (command.starts_with("--line ")) {
            failures += !probekit::parse_line_range(command.substr(7)).has_value();
            continue;
        }
        auto const event = probekit::parse_perf_probe(command, storage);
        ++checked;
        if (!event) {
            std::printf("FAIL line %zu: '%s' rejected\n", row.line, row["command"].c_str());
            ++failures;
            continue;
        }
        std::string canonical;
        probekit::synthesize_perf_probe(*event, canonical, "probe_app");
        static probekit::perf_probe_storage list_storage;
        auto const kept = list.add(command);
        if (!kept || probekit::synthesize_perf_probe(list.view(*kept, list_storage),
                                                     "probe_app") != canonical) {
            std::printf("FAIL line %zu: '%s' is not kept as it parsed\n", row.line,
                        row["command"].c_str());
            ++failures;
        }
        auto const again = probekit::parse_perf_probe(canonical);
        if (!again || probekit::synthesize_perf_probe(*again, "probe_app") != canonical) {
            std::printf("FAIL line %zu: '%s' does not round-trip\n", row.line,
                        canonical.c_str());
            ++failures;
        }
    }
    for (auto const& row : probekit::test::read_tsv(
             probekit::test::corpus_path("perf-probe-invalid.tsv"))) {
        std::string_view command = row["command"];
        if (row["stage"] != "parse")
            continue;
        ++checked;
        bool const rejected = command.starts_with("--line ")
                                  ? !probekit::parse_line_range(command.substr(7))
                                  : !probekit::parse_perf_probe(command, storage);
        if (!rejected) {
            std::printf("FAIL line %zu: '%s' accepted\n", row.line, row["command"].c_str());
            ++failures;
        }
    }

    // Positions are the same as with exceptions (see perf_probe_test.cpp).
    auto const error = probekit::parse_perf_probe("compute:3+4", storage);
    if (error || error.error().offset != 9) {
        std::puts("FAIL 'compute:3+4' is not rejected at offset 9");
        ++failures;
    }

    std::printf("%zu commands checked, %d failures\n", checked, failures);
    return failures == 0 && checked > 80 ? EXIT_SUCCESS : EXIT_FAILURE;
}
