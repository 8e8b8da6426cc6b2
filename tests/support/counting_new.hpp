// Replaces the global allocation functions with counting ones, so a test can assert that a
// piece of code allocates nothing. Include in exactly one translation unit of a test binary.
#pragma once

// GCC pairs the replaced operators below with the library's and warns about free(); the
// pair here is consistent (malloc/free on both sides).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <cstdlib>
#include <new>

namespace probekit::test {

inline std::atomic<std::size_t> allocation_count{0};

/// Counts the allocations made while it lives.
class allocation_counter {
public:
    allocation_counter() noexcept : start_(allocation_count.load()) {}
    std::size_t count() const noexcept { return allocation_count.load() - start_; }

private:
    std::size_t start_;
};

} // namespace probekit::test

void* operator new(std::size_t size)
{
    ++probekit::test::allocation_count;
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
