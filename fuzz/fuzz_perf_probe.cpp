// libFuzzer target for the perf-probe parser. The oracle is the round trip: whatever
// parses must synthesize to text that parses to the same event (names filled in as perf
// fills them), and synthesizing that again must give the same text; where perf's form cuts
// a long source path, only that the cut text reads back and stays stable. A command kept
// in a `perf_probe_list` must view back as it parsed. Line ranges likewise.
#include <probekit/perf_probe.hpp>
#include <probekit/perf_probe_list.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void keep_in_list(std::string_view text, probekit::perf_probe_view const& parsed)
{
    static probekit::perf_probe_list list;
    static probekit::perf_probe_storage storage;
    if (list.size() == 1000) // the list grows with every input otherwise
        list.clear();
    auto const kept = list.add(text);
    check(kept.has_value() && list.view(*kept, storage) == parsed);
}

void round_trip_command(std::string_view text)
{
    static probekit::perf_probe_storage storage;
    auto const view = probekit::parse_perf_probe(text, storage);
    if (!view) {
        check(view.error().offset <= text.size());
        return;
    }
    keep_in_list(text, *view);
    auto first = probekit::to_owning(*view);
    auto const canonical = probekit::synthesize_perf_probe(first, "probe_fuzz");
    auto second = probekit::parse_perf_probe(canonical);
    // perf shortens long source paths when it prints them; the rest must survive.
    if (!second) {
        check(first.point.has_file && first.point.file.size() > 30);
        return;
    }
    probekit::apply_default_names(first, "probe_fuzz");
    probekit::apply_default_names(*second, "probe_fuzz");
    auto const again = probekit::synthesize_perf_probe(*second, "probe_fuzz");
    if (first.point.has_file && first.point.file.size() > 30) {
        // What is left of the path may read as another kind of point (`sdt_g@PATH` is an SDT
        // reference), as it does for perf; that reading must itself be stable.
        check(probekit::parse_perf_probe(again).has_value());
        return;
    }
    check(*second == first);
    check(again == canonical);
}

void round_trip_line_range(std::string_view text)
{
    auto const range = probekit::parse_line_range(text);
    if (!range) {
        check(range.error().offset <= text.size());
        return;
    }
    std::string canonical;
    probekit::synthesize_line_range(*range, canonical);
    auto const again = probekit::parse_line_range(canonical);
    check(again.has_value() && *again == *range);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    round_trip_command(text);
    round_trip_line_range(text);
    return 0;
}
