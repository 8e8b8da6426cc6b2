// A store that keeps the `probes` file in a caller's std::string: for tests, and for
// tracers that persist the cache their own way.
#pragma once

#include <probekit/store/store.hpp>

#include <cstring>
#include <span>
#include <string>

namespace probekit {

class memory_store {
public:
    static constexpr bool may_grow = true;

    /// Requires: `file` outlives the store.
    explicit memory_store(std::string& file) noexcept : file_(&file) {}

    std::span<std::byte> arena_memory() noexcept { return {}; }

    /// A copy of the contents in `arena`, so a later commit does not pull them away.
    result<std::string_view> read(cache_arena& arena)
    {
        auto* const copy = arena.allocate_array<char>(file_->size() + 1);
        if (copy == nullptr)
            return parse_error{error_kind::io, 0, 0, {}, "out of memory", {}};
        std::memcpy(copy, file_->data(), file_->size());
        return std::string_view(copy, file_->size());
    }

    /// Builds the new contents aside and swaps them in. Not synchronised: one thread.
    result<store_done> commit(cache_arena& arena, cache_rewrite rewrite)
    {
        auto const current = read(arena);
        if (!current)
            return current.error();
        struct string_sink final : store_sink {
            std::string text;
            bool append(std::string_view s) override
            {
                text.append(s);
                return true;
            }
        } sink;
        sink.text.reserve(file_->size());
        auto done = rewrite(*current, sink);
        if (done)
            file_->swap(sink.text);
        return done;
    }

private:
    std::string* file_;
};

} // namespace probekit
