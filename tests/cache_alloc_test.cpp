// Loading N entries costs O(1) allocations, and the fixed-buffer store none at all:
// counted by replacing the global operator new.
#include <probekit/cache.hpp>
#include <probekit/store/fixed_buffer.hpp>
#include <probekit/store/memory.hpp>

#define BOOST_TEST_MODULE cache_alloc
#include <boost/test/unit_test.hpp>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<long> allocations{0};

void* counted(std::size_t n)
{
    ++allocations;
    void* p = std::malloc(n == 0 ? 1 : n);
    return p;
}

} // namespace

// Every form below allocates with malloc and frees with free; GCC cannot see that the
// replaced operator new and delete pair up.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n)
{
    if (void* p = counted(n))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::nothrow_t const&) noexcept { return counted(n); }
void* operator new[](std::size_t n, std::nothrow_t const&) noexcept { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

std::string cache_text(int entries)
{
    std::string text;
    for (int i = 0; i < entries; ++i) {
        std::string const n = std::to_string(i);
        text += "#probe_libc:f" + n + "=func" + n + " len=p->len:u32\n";
        text += "p:probe_libc/f" + n + " /usr/lib/libc.so.6:0x" + n + " len=+8(%di):u32\n";
        if (i % 3 == 0)
            text += "p:probe_libc/f" + n + " /usr/lib/libc.so.6:0x1" + n + " len=+8(%si):u32\n";
    }
    return text;
}

long allocations_to_load(int entries)
{
    std::string file = cache_text(entries);
    probekit::basic_probe_cache<probekit::memory_store> cache{probekit::memory_store{file}};
    long const before = allocations.load();
    auto const loaded = cache.load();
    long const used = allocations.load() - before;
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST_REQUIRE(cache.entries().size() == std::size_t(entries));
    BOOST_TEST_REQUIRE(cache.diagnostics().empty());
    return used;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cache_alloc)

BOOST_AUTO_TEST_CASE(loading_ten_or_ten_thousand_entries_costs_the_same_few_allocations)
{
    long const small = allocations_to_load(10);
    long const large = allocations_to_load(10'000);
    BOOST_TEST_MESSAGE("allocations: 10 entries " << small << ", 10000 entries " << large);
    BOOST_TEST(small <= 4);
    BOOST_TEST(large <= 4);
}

BOOST_AUTO_TEST_CASE(a_fixed_buffer_cache_loads_adds_and_commits_without_the_heap)
{
    static std::array<char, 2 * 64 * 1024> file{};
    static std::array<std::byte, 256 * 1024> work{};
    std::string const initial = cache_text(100);
    std::copy(initial.begin(), initial.end(), file.begin());

    long const before = allocations.load();
    {
        probekit::basic_probe_cache<probekit::fixed_buffer_store> cache{
            probekit::fixed_buffer_store{file, initial.size(), work}};
        BOOST_TEST_REQUIRE(cache.load().has_value());
        std::array<std::string_view, 1> const lines{"p:g/e /usr/lib/libc.so.6:0x10"};
        BOOST_TEST_REQUIRE(cache.add(probekit::entry_kind::user, "g:e=main", lines).has_value());
        auto const filter = probekit::parse_strfilter("probe_libc:f1*");
        BOOST_TEST_REQUIRE(filter.has_value());
        long const filter_allocations = allocations.load() - before;
        BOOST_TEST_REQUIRE(cache.remove(*filter, [](auto const&) {}).has_value());
        BOOST_TEST_REQUIRE(cache.commit().has_value());
        BOOST_TEST(cache.entries().size() == 100u - 11u + 1u);
        // Only the filter (an owning object, built by the caller) touched the heap.
        BOOST_TEST(allocations.load() - before == filter_allocations);
    }
}

BOOST_AUTO_TEST_SUITE_END()
