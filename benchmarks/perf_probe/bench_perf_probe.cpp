// Parse and synthesize perf-probe commands: the real glibc corpus and 1M generated lines,
// beside the memchr and byte-loop baselines over the same bytes.
#include <probekit/perf_probe.hpp>
#include <probekit/perf_probe_list.hpp>

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

/// Parses every line and keeps it in one `perf_probe_list` (compare parse_owning, which
/// keeps each in a `perf_probe_event` and drops it).
void parse_into_list(benchmark::State& state, corpus const& c)
{
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        probekit::perf_probe_list list;
        list.reserve(c.lines.size());
        for (auto const line : c.lines)
            benchmark::DoNotOptimize(list.add(line));
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
}

/// Writes each event into one reused string; `event_at(i)` gives the i-th parsed event.
template <typename EventAt>
void synthesize_each(benchmark::State& state, corpus const& c, EventAt const& event_at)
{
    std::string out;
    out.reserve(4096);
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (std::size_t i = 0; i < c.lines.size(); ++i) {
            out.clear();
            probekit::synthesize_perf_probe(event_at(i), out, "probe_libc");
            benchmark::DoNotOptimize(out.data());
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
}

/// Synthesis of commands kept in a `perf_probe_list`, parsed outside the timing; each is
/// viewed back into one reused storage, as a parse would give it.
void synthesize(benchmark::State& state, corpus const& c)
{
    probekit::perf_probe_list list;
    list.reserve(c.lines.size());
    for (auto const line : c.lines)
        (void)list.add(line);
    static probekit::perf_probe_storage storage;
    synthesize_each(state, c, [&](std::size_t i) { return list.view(i, storage); });
    state.counters["kept_bytes_per_line"] =
        static_cast<double>(list.memory_used()) / static_cast<double>(c.lines.size());
}

/// The same from a vector of owning events, which spreads each command over the heap.
void synthesize_owning(benchmark::State& state, corpus const& c)
{
    std::vector<probekit::perf_probe_event> events;
    events.reserve(c.lines.size());
    for (auto const line : c.lines)
        events.push_back(*probekit::parse_perf_probe(line));
    synthesize_each(state, c, [&](std::size_t i) -> auto const& { return events[i]; });
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
    add("parse_into_list", parse_into_list);
    add("synthesize", synthesize);
    add("synthesize_owning", synthesize_owning);
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
