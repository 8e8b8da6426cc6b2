// A store for embedded builds: the file and the cache's memory live in caller buffers and
// nothing touches the heap. The file area is split in two halves; a commit writes the new
// contents into the inactive half and then flips, so a failed commit (the new contents do
// not fit) leaves the old contents as they were.
#pragma once

#include <probekit/store/store.hpp>

#include <cstring>
#include <span>
#include <string_view>

namespace probekit {

class fixed_buffer_store {
public:
    static constexpr bool may_grow = false;

    /// `file` holds two copies of the file (each at most `file.size() / 2` bytes); its
    /// first `size` bytes are the initial contents. `work` is all the memory of the cache.
    /// Requires: `size <= file.size() / 2`; both buffers outlive the store.
    fixed_buffer_store(std::span<char> file, std::size_t size, std::span<std::byte> work) noexcept
        : file_(file), work_(work), size_(size)
    {
    }

    std::span<std::byte> arena_memory() noexcept { return work_; }

    /// The current contents (a view into the caller's buffer).
    std::string_view contents() const noexcept
    {
        return {file_.data() + active_ * half(), size_};
    }

    result<std::string_view> read(cache_arena& arena)
    {
        auto* const copy = arena.allocate_array<char>(size_ + 1);
        if (copy == nullptr)
            return parse_error{error_kind::io, 0, 0, {}, "the cache does not fit in its memory",
                               {}};
        std::memcpy(copy, contents().data(), size_);
        return std::string_view(copy, size_);
    }

    result<store_done> commit(cache_arena& arena, cache_rewrite rewrite)
    {
        auto const current = read(arena);
        if (!current)
            return current.error();
        struct span_sink final : store_sink {
            char* at;
            std::size_t room;
            std::size_t used = 0;
            bool append(std::string_view s) override
            {
                if (s.size() > room - used)
                    return false;
                std::memcpy(at + used, s.data(), s.size());
                used += s.size();
                return true;
            }
        } sink;
        std::size_t const other = 1 - active_;
        sink.at = file_.data() + other * half();
        sink.room = half();
        auto done = rewrite(*current, sink);
        if (done) {
            active_ = other;
            size_ = sink.used;
        }
        return done;
    }

private:
    std::size_t half() const noexcept { return file_.size() / 2; }

    std::span<char> file_;
    std::span<std::byte> work_;
    std::size_t size_;
    std::size_t active_ = 0;
};

} // namespace probekit
