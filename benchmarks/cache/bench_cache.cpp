// Probe-cache throughput: load, find, list and commit on caches of 10k, 100k and 1M
// entries. The caches are generated at start-up with gen.py into the build directory
// (not committed). Allocations are counted by replacing operator new and reported per
// entry. Baseline: reading the same file into a std::vector<std::string> with getline.
#include <probekit/cache.hpp>
#include <probekit/strfilter.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t n)
{
    ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::nothrow_t const&) noexcept
{
    ++allocations;
    return std::malloc(n == 0 ? 1 : n);
}
// gcc 12 takes the replaced pair for a mismatch (malloc'd by our new, freed by our delete).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

namespace fs = std::filesystem;

/// The generated cache of `entries` entries (made once, reused by later runs).
std::string const& cache_file(long entries)
{
    static std::map<long, std::string> files;
    auto& path = files[entries];
    if (!path.empty())
        return path;
    path = std::string(PROBEKIT_BENCH_DATA_DIR) + "/probes-" + std::to_string(entries);
    if (!fs::exists(path)) {
        std::string const command = "python3 '" PROBEKIT_BENCH_GEN "' probes " +
                                    std::to_string(entries) + " --seed 1 -o '" + path + "'";
        if (std::system(command.c_str()) != 0) {
            std::fprintf(stderr, "cannot generate %s\n", path.c_str());
            std::exit(2);
        }
    }
    return path;
}

void report(benchmark::State& state, probekit::probe_cache const& cache, long allocs)
{
    auto const entries = static_cast<double>(cache.entries().size());
    state.counters["entries"] = entries;
    state.counters["allocs/entry"] = static_cast<double>(allocs) / entries;
    state.counters["bytes/s"] = benchmark::Counter(
        static_cast<double>(fs::file_size(cache.entries().empty() ? "/dev/null"
                                                                  : fs::path(cache_file(
                                                                        state.range(0))))) *
            static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
    state.counters["entries/s"] = benchmark::Counter(
        entries * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void load(benchmark::State& state)
{
    std::string const& path = cache_file(state.range(0));
    probekit::probe_cache cache{probekit::filesystem_store{path}};
    long allocs = 0;
    for (auto _ : state) {
        long const before = allocations.load();
        auto const loaded = cache.load();
        allocs = allocations.load() - before;
        benchmark::DoNotOptimize(loaded.has_value());
    }
    report(state, cache, allocs);
}

void baseline_getline(benchmark::State& state)
{
    std::string const& path = cache_file(state.range(0));
    for (auto _ : state) {
        std::ifstream in(path);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
            lines.push_back(std::move(line));
        benchmark::DoNotOptimize(lines.data());
    }
    state.counters["bytes/s"] = benchmark::Counter(
        static_cast<double>(fs::file_size(path)) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
}

void find(benchmark::State& state)
{
    probekit::probe_cache cache{probekit::filesystem_store{cache_file(state.range(0))}};
    if (!cache.load())
        state.SkipWithError("load failed");
    // The last named entry: a lookup walks the whole list (perf's find is linear too).
    probekit::cache_entry const* target = nullptr;
    for (auto const& e : cache.entries())
        if (e.named())
            target = &e;
    std::string const group(target->group), event(target->event), spec(target->spec);
    for (auto _ : state) {
        benchmark::DoNotOptimize(cache.find_by_name(group, event));
        benchmark::DoNotOptimize(cache.find_command(spec));
    }
    state.counters["lookups/s"] = benchmark::Counter(
        2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void list(benchmark::State& state)
{
    probekit::probe_cache cache{probekit::filesystem_store{cache_file(state.range(0))}};
    if (!cache.load())
        state.SkipWithError("load failed");
    auto const filter = probekit::parse_strfilter("probe_libc:*|*%return*");
    std::size_t matched = 0;
    for (auto _ : state) {
        matched = 0;
        for (auto const& e : cache.entries())
            matched += probekit::probe_cache::selects(*filter, e);
        benchmark::DoNotOptimize(matched);
    }
    state.counters["matched"] = static_cast<double>(matched);
    state.counters["entries/s"] =
        benchmark::Counter(static_cast<double>(cache.entries().size()) *
                               static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate);
}

void commit(benchmark::State& state)
{
    // A private copy: each iteration adds one entry, commits (lock, re-read, apply, write,
    // fsync, rename) and reloads.
    fs::path const dir =
        fs::path(PROBEKIT_BENCH_DATA_DIR) / ("commit-" + std::to_string(state.range(0)));
    fs::create_directories(dir);
    fs::copy_file(cache_file(state.range(0)), dir / "probes",
                  fs::copy_options::overwrite_existing);
    probekit::probe_cache cache{probekit::filesystem_store{(dir / "probes").string()}};
    if (!cache.load())
        state.SkipWithError("load failed");
    long allocs = 0;
    long i = 0;
    for (auto _ : state) {
        std::string const spec = "bench:ev" + std::to_string(i) + "=main";
        std::string const line = "p:bench/ev" + std::to_string(i++) + " /usr/lib/libc.so.6:0x10";
        std::string_view const view = line;
        long const before = allocations.load();
        auto const added = cache.add(probekit::entry_kind::user, spec, {&view, 1});
        auto const done = cache.commit();
        allocs = allocations.load() - before;
        if (!added || !done)
            state.SkipWithError("commit failed");
    }
    report(state, cache, allocs);
    fs::remove_all(dir);
}

} // namespace

BENCHMARK(load)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(baseline_getline)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(find)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(list)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(commit)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

BENCHMARK_MAIN();
