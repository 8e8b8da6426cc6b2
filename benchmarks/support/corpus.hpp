// Inputs and baselines shared by the benchmarks.
//
// Every parser benchmark runs beside two baselines over the same bytes, so its MB/s reads
// as a ratio: a memchr line scan (the floor of any line-oriented reader) and a byte loop
// that classifies every character through a table (what a hand-written scanner must do at
// least once per byte).
#pragma once

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::bench {

/// A corpus held as one buffer plus views of its lines.
struct corpus {
    std::string text;
    std::vector<std::string_view> lines;
};

inline corpus load_corpus(std::string const& path)
{
    corpus c;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    c.text = buffer.str();
    std::string_view rest = c.text;
    while (!rest.empty()) {
        auto const newline = rest.find('\n');
        auto const line = rest.substr(0, newline);
        if (!line.empty())
            c.lines.push_back(line);
        if (newline == std::string_view::npos)
            break;
        rest.remove_prefix(newline + 1);
    }
    return c;
}

/// A generated corpus: `gen.py KIND LINES --seed 1`, made once into the working directory.
inline corpus generated_corpus(std::string const& kind, std::size_t lines)
{
    auto const path = std::filesystem::current_path() /
                      ("gen-" + kind + "-" + std::to_string(lines) + ".txt");
    if (!std::filesystem::exists(path)) {
        std::string const command = "python3 " PROBEKIT_BENCH_GEN " " + kind + " " +
                                    std::to_string(lines) + " --seed 1 -o " + path.string();
        if (std::system(command.c_str()) != 0)
            return {};
    }
    return load_corpus(path.string());
}

inline std::atomic<std::size_t> allocations{0};

/// Counters every benchmark reports: lines/s, bytes/s and allocations per line.
inline void report(benchmark::State& state, corpus const& c, std::size_t allocations_made)
{
    auto const iterations = static_cast<double>(state.iterations());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.lines.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.text.size()));
    state.counters["allocs_per_line"] =
        static_cast<double>(allocations_made) / (iterations * static_cast<double>(c.lines.size()));
}

/// Baseline 1: find every line end with memchr.
inline void memchr_lines(benchmark::State& state, corpus const& c)
{
    for (auto _ : state) {
        std::size_t count = 0;
        char const* p = c.text.data();
        char const* const end = p + c.text.size();
        while (p < end) {
            auto const* nl = static_cast<char const*>(std::memchr(p, '\n', end - p));
            ++count;
            p = nl ? nl + 1 : end;
        }
        benchmark::DoNotOptimize(count);
    }
    report(state, c, 0);
}

/// Baseline 2: classify every byte through a table and count each class.
inline void classify_bytes(benchmark::State& state, corpus const& c)
{
    static auto const classes = [] {
        std::array<std::uint8_t, 256> table{};
        for (int ch = 0; ch < 256; ++ch) {
            table[ch] = ch == '\n' ? 0 : ch == ' ' || ch == '\t' ? 1
                        : (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ? 2
                        : ch >= '0' && ch <= '9' ? 3 : 4;
        }
        return table;
    }();
    for (auto _ : state) {
        std::array<std::size_t, 5> counts{};
        for (unsigned char const ch : c.text)
            ++counts[classes[ch]];
        benchmark::DoNotOptimize(counts);
    }
    report(state, c, 0);
}

} // namespace probekit::bench

// Counting global allocation, so each benchmark can report allocations per line.
inline void* counted_malloc(std::size_t size)
{
    ++probekit::bench::allocations;
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
