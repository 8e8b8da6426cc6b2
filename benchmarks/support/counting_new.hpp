// Replaces the global operator new/delete with ones that count into
// `probekit::bench::allocations` (support/corpus.hpp), so a benchmark can report
// allocations per line. Include it in exactly one file of a benchmark program.
#pragma once

#include "corpus.hpp"

#include <cstdlib>
#include <new>

void* operator new(std::size_t size) { return counted_malloc(size); }
void* operator new[](std::size_t size) { return counted_malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
