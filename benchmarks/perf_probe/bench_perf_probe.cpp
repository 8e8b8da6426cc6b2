// Parse and synthesize perf-probe commands: the real glibc corpus and 1M generated lines,
// beside the memchr and byte-loop baselines over the same bytes.
#include <probekit/perf_probe.hpp>

#include "../support/corpus.hpp"
#include "../support/counting_new.hpp"

namespace {

using probekit::bench::corpus;

corpus const& real_corpus()
{
    static corpus const c = probekit::bench::load_corpus(PROBEKIT_BENCH_CORPUS "/perf-probe.txt");
    return c;
}

corpus const& generated()
{
    static corpus const c = probekit::bench::generated_corpus("perf-probe", 1'000'000);
    return c;
}

void parse_view(benchmark::State& state, corpus const& c)
{
    static probekit::perf_probe_storage storage;
    std::size_t failures = 0;
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const line : c.lines) {
            auto const event = probekit::parse_perf_probe(line, storage);
            failures += !event.has_value();
            benchmark::DoNotOptimize(event);
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
    if (failures)
        state.SkipWithError("a corpus line did not parse");
}

void parse_owning(benchmark::State& state, corpus const& c)
{
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const line : c.lines) {
            auto event = probekit::parse_perf_probe(line);
            benchmark::DoNotOptimize(event);
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
}

void synthesize(benchmark::State& state, corpus const& c)
{
    // Parsed once, outside the timing; synthesis writes into one reused string.
    std::vector<probekit::perf_probe_event> events;
    events.reserve(c.lines.size());
    for (auto const line : c.lines)
        events.push_back(*probekit::parse_perf_probe(line));
    std::string out;
    out.reserve(4096);
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const& event : events) {
            out.clear();
            probekit::synthesize_perf_probe(event, out, "probe_libc");
            benchmark::DoNotOptimize(out.data());
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
}

void register_all(char const* name, corpus const& (*get)())
{
    auto const add = [&](char const* what, void (*fn)(benchmark::State&, corpus const&)) {
        benchmark::RegisterBenchmark((std::string(name) + "/" + what).c_str(),
                                     [fn, get](benchmark::State& s) { fn(s, get()); })
            ->Unit(benchmark::kMillisecond);
    };
    add("baseline_memchr", probekit::bench::memchr_lines);
    add("baseline_byte_loop", probekit::bench::classify_bytes);
    add("parse_view", parse_view);
    add("parse_owning", parse_owning);
    add("synthesize", synthesize);
}

} // namespace

int main(int argc, char** argv)
{
    register_all("perf_probe_corpus", real_corpus);
    register_all("perf_probe_generated_1M", generated);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
