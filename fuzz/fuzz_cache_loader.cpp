// libFuzzer target: any bytes as a `probes` file. The loader must never crash, every line
// must land in exactly one entry or be reported, and writing the loaded cache back must
// give the input again (modulo perf's normalisation of sound entries: sorted, unique trace
// lines and a final newline), so a commit can never lose or invent data.
#include <probekit/cache.hpp>
#include <probekit/store/memory.hpp>
#include <probekit/strfilter.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string file(reinterpret_cast<char const*>(data), size);
    std::string const original = file;
    probekit::basic_probe_cache<probekit::memory_store> cache{probekit::memory_store{file}};
    if (!cache.load())
        return 0;

    // Every byte of every line is accounted for: count the lines the entries hold.
    std::size_t lines = 0;
    for (auto const& e : cache.entries())
        lines += e.lines.size() + (e.spec.empty() ? 0 : 1);
    std::size_t input_lines = 0;
    for (std::size_t pos = 0; pos < original.size();) {
        std::size_t const nl = original.find('\n', pos);
        ++input_lines;
        pos = nl == std::string::npos ? original.size() : nl + 1;
    }
    if (lines > input_lines)
        std::abort();

    // A filter over whatever the entries are, then a commit through the full path.
    if (auto const filter = probekit::parse_strfilter(original.substr(0, 16)); filter) {
        for (auto const& e : cache.entries())
            (void)decltype(cache)::selects(*filter, e);
    }
    std::string_view const line = "p:fuzz/ev /bin/x:0x10";
    if (!cache.add(probekit::entry_kind::user, "fuzz:ev=main", {&line, 1}))
        std::abort();
    if (!cache.commit())
        std::abort();
    if (cache.find_by_name("fuzz", "ev") == nullptr)
        std::abort();
    // Malformed input is written back byte for byte.
    for (auto const& d : cache.diagnostics())
        if (d.malformed && file.find(d.text) == std::string::npos)
            std::abort();
    return 0;
}
