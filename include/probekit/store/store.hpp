// The storage policy of a probe cache: where one binary's `probes` file lives. A store
// reads the file and replaces it atomically; the cache does everything else. Writing a
// backend means writing one small class that satisfies `cache_store`:
//
//   struct my_store {
//       static constexpr bool may_grow = true;            // arena may use the heap
//       std::span<std::byte> arena_memory();              // first arena block ({} if none)
//       result<std::string_view> read(cache_arena&);      // the file's bytes, in the arena
//       result<store_done> commit(cache_arena&, cache_rewrite);   // see below
//   };
//
// `commit` must: exclude other writers, read the current bytes, hand them to the rewrite
// (which writes the new contents into a sink), and then make the new contents visible all
// at once, or leave the old ones untouched on any failure.
#pragma once

#include <probekit/cache/arena.hpp>
#include <probekit/error.hpp>

#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>

namespace probekit {

/// The value of a store operation that returns nothing but may fail.
struct store_done {};

/// The sink a store hands to a rewrite. `append` returns false when it failed.
class store_sink {
public:
    virtual bool append(std::string_view text) = 0;

protected:
    ~store_sink() = default;
};

/// A non-owning callable `result<store_done>(std::string_view current, store_sink&)`.
class cache_rewrite {
public:
    template <typename F>
    cache_rewrite(F& f) noexcept // NOLINT: implicit on purpose, like a function_ref
        : self_(&f), call_([](void* self, std::string_view current, store_sink& out) {
              return (*static_cast<F*>(self))(current, out);
          })
    {
    }

    result<store_done> operator()(std::string_view current, store_sink& out) const
    {
        return call_(self_, current, out);
    }

private:
    void* self_;
    result<store_done> (*call_)(void*, std::string_view, store_sink&);
};

template <typename S>
concept cache_store = requires(S& s, cache_arena& arena, cache_rewrite rewrite) {
    { S::may_grow } -> std::convertible_to<bool>;
    { s.arena_memory() } -> std::same_as<std::span<std::byte>>;
    { s.read(arena) } -> std::same_as<result<std::string_view>>;
    { s.commit(arena, rewrite) } -> std::same_as<result<store_done>>;
};

/// An I/O error with errno's name as its code (e.g. "EACCES").
parse_error io_error(std::string_view message, int err) noexcept;

} // namespace probekit

#include <cstring>

inline probekit::parse_error probekit::io_error(std::string_view message, int err) noexcept
{
    char const* const name = ::strerrorname_np(err);
    return parse_error{error_kind::io, 0, 0, {}, message,
                       name != nullptr ? std::string_view(name) : std::string_view()};
}
