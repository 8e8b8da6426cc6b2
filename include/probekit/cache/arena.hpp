// The memory of a cache: a bump arena. Entries, lines and the loaded file are carved out of
// it and never freed one by one; `release()` drops them all at once. Loading a file asks
// the arena for three blocks (the text, the entries, the lines), so a load costs O(1)
// allocations whatever its number of entries.
//
// The arena starts in caller memory (possibly empty) and, when it may grow, takes further
// blocks from the heap, each at least twice the previous. A fixed-buffer cache never grows:
// an allocation that does not fit returns nullptr, which the cache reports as an error.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>

namespace probekit {

class cache_arena {
public:
    /// `initial` is used first; `may_grow` allows heap blocks after it.
    explicit cache_arena(std::span<std::byte> initial = {}, bool may_grow = true) noexcept
        : initial_(initial), may_grow_(may_grow)
    {
        rewind();
    }
    cache_arena(cache_arena const&) = delete;
    cache_arena& operator=(cache_arena const&) = delete;
    ~cache_arena() { release(); }

    /// `n` bytes aligned to `align` (a power of two), or nullptr when the arena is full.
    /// Complexity: constant; at most one heap allocation.
    void* allocate(std::size_t n, std::size_t align = alignof(std::max_align_t)) noexcept
    {
        if (void* p = bump(n, align))
            return p;
        if (!may_grow_)
            return nullptr;
        std::size_t const size = std::max({n + align + sizeof(block), 2 * last_size_,
                                           std::size_t{4096}});
        auto* const b = static_cast<block*>(::operator new(size, std::nothrow));
        if (b == nullptr)
            return nullptr;
        b->next = blocks_;
        blocks_ = b;
        last_size_ = size;
        current_ = reinterpret_cast<std::byte*>(b + 1);
        end_ = reinterpret_cast<std::byte*>(b) + size;
        return bump(n, align);
    }

    /// An uninitialised array of `n` objects of type T, or nullptr.
    template <typename T>
    T* allocate_array(std::size_t n) noexcept
    {
        if (n > SIZE_MAX / sizeof(T))
            return nullptr;
        return static_cast<T*>(allocate(n * sizeof(T), alignof(T)));
    }

    /// Frees every heap block and rewinds to the start of the initial memory.
    /// Requires: nothing allocated here is used afterwards.
    void release() noexcept
    {
        while (blocks_ != nullptr) {
            block* const next = blocks_->next;
            ::operator delete(static_cast<void*>(blocks_));
            blocks_ = next;
        }
        last_size_ = 0;
        rewind();
    }

private:
    struct alignas(std::max_align_t) block {
        block* next;
    };

    void rewind() noexcept
    {
        current_ = initial_.data();
        end_ = initial_.data() + initial_.size();
    }

    void* bump(std::size_t n, std::size_t align) noexcept
    {
        if (current_ == nullptr)
            return nullptr;
        auto const at = reinterpret_cast<std::uintptr_t>(current_);
        std::size_t const pad = (align - at % align) % align;
        if (static_cast<std::size_t>(end_ - current_) < pad || 
            static_cast<std::size_t>(end_ - current_) - pad < n)
            return nullptr;
        std::byte* const p = current_ + pad;
        current_ = p + n;
        return p;
    }

    std::span<std::byte> initial_;
    bool may_grow_;
    block* blocks_ = nullptr;
    std::size_t last_size_ = 0;
    std::byte* current_ = nullptr;
    std::byte* end_ = nullptr;
};

} // namespace probekit
