// Parse and synthesize trace commands: the real glibc corpus (perf 6.1's uprobe lines) and
// 1M generated lines, beside the memchr and byte-loop baselines over the same bytes. The
// view parse builds full argument trees (base fetch, dereference chain, type).
// Aims: the view parse at 0.75x the byte loop's MB/s or more, synthesis at 1.0x. Measured
// (medians of 7 repetitions, as ratios within one run on a loaded 2-core machine): view
// parse 0.94x on the corpus, 0.77x on the generated lines; synthesis 1.87x and 1.06x.
#include <probekit/trace_probe.hpp>

#include "../support/corpus.hpp"
#include "../support/counting_new.hpp"

namespace {

using probekit::bench::corpus;

corpus const& real_corpus()
{
    static corpus const c = probekit::bench::load_corpus(PROBEKIT_BENCH_CORPUS "/trace.txt");
    return c;
}

corpus const& generated()
{
    static corpus const c = probekit::bench::generated_corpus("trace", 1'000'000);
    return c;
}

void parse_view(benchmark::State& state, corpus const& c)
{
    static probekit::trace_probe_storage storage;
    std::size_t rejected = 0;
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const line : c.lines) {
            auto const event =
                probekit::parse_trace_probe(line, probekit::trace_kind::automatic, storage);
            rejected += !event.has_value();
            benchmark::DoNotOptimize(event);
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
    // perf 6.1 prints some lines the kernel refuses (`@sym` and `\deade12d` on uprobes,
    // duplicate argument names); they are parsed up to their error like the rest.
    state.counters["rejected_lines"] =
        static_cast<double>(rejected) / static_cast<double>(state.iterations());
}

void parse_owning(benchmark::State& state, corpus const& c)
{
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const line : c.lines) {
            auto event = probekit::parse_trace_probe(line);
            benchmark::DoNotOptimize(event);
        }
    }
    probekit::bench::report(state, c, probekit::bench::allocations.load() - before);
}

void synthesize(benchmark::State& state, corpus const& c)
{
    // Parsed once, outside the timing; synthesis appends to one reused string.
    // Only accepted lines count: their bytes are what the throughput is measured against.
    std::vector<probekit::trace_probe_event> events;
    corpus accepted;
    events.reserve(c.lines.size());
    for (auto const line : c.lines) {
        if (auto event = probekit::parse_trace_probe(line)) {
            events.push_back(std::move(*event));
            accepted.text.append(line).push_back('\n');
        }
    }
    accepted.lines.resize(events.size());
    std::string out;
    out.reserve(4096);
    auto const before = probekit::bench::allocations.load();
    for (auto _ : state) {
        for (auto const& event : events) {
            out.clear();
            probekit::synthesize_trace_probe(event, out);
            benchmark::DoNotOptimize(out.data());
        }
    }
    probekit::bench::report(state, accepted, probekit::bench::allocations.load() - before);
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
    register_all("trace_corpus", real_corpus);
    register_all("trace_generated_1M", generated);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
