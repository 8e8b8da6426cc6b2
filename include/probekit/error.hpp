// Errors are values: every parse returns `result<T>`, which holds either the value or a
// `parse_error` that says where (a byte offset into the parsed text) and what was expected.
// Nothing here allocates, so the error path of a view parse stays allocation-free too.
#pragma once

#include <cassert>
#include <cstddef>
#include <ostream>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace probekit {

/// What kind of failure an error is.
enum class error_kind {
    invalid,     ///< the text breaks the syntax or its rules
    unsupported, ///< valid syntax that probekit (or the target) does not handle
    conflict,    ///< parts that are each valid but cannot be combined (`area+4%return`)
    not_found,   ///< a named thing (function, line, file, entry) does not exist
    io,          ///< the environment failed (a file, a lock, tracefs)
};

inline std::string_view to_string(error_kind kind) noexcept
{
    switch (kind) {
    case error_kind::invalid: return "invalid";
    case error_kind::unsupported: return "unsupported";
    case error_kind::conflict: return "conflict";
    case error_kind::not_found: return "not_found";
    case error_kind::io: return "io";
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, error_kind kind)
{
    return os << to_string(kind);
}

/// A rejected input. `message` and `expected` point to static strings, never into the input.
struct parse_error {
    error_kind kind = error_kind::invalid;
    std::size_t offset = 0;      ///< byte offset into the parsed text
    std::size_t length = 0;      ///< length of the offending text; 0 for a point
    std::string_view expected;   ///< what would have been accepted here ("line number")
    std::string_view message;    ///< a sentence for people ("there is a non-digit ...")
    std::string_view code;       ///< a stable machine name, e.g. the kernel's "BAD_MAXACT"
};

/// Either a `T` or a `parse_error`. Accessors assert instead of throwing, so the type is
/// usable in `-fno-exceptions` builds.
template <typename T>
class [[nodiscard]] result {
public:
    result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
        : state_(std::in_place_index<0>, std::move(value))
    {
    }
    result(parse_error error) noexcept : state_(std::in_place_index<1>, error) {}
    /// A default-constructed value, built in place: a parser can fill it where the caller
    /// will find it, with no temporary to copy from.
    explicit result(std::in_place_t) noexcept(std::is_nothrow_default_constructible_v<T>)
        : state_(std::in_place_index<0>)
    {
    }

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & noexcept { return *std::get_if<0>(&checked_value()); }
    T const& value() const& noexcept { return *std::get_if<0>(&checked_value()); }
    T&& value() && noexcept { return std::move(*std::get_if<0>(&checked_value())); }
    T& operator*() & noexcept { return value(); }
    T const& operator*() const& noexcept { return value(); }
    T* operator->() noexcept { return &value(); }
    T const* operator->() const noexcept { return &value(); }

    parse_error const& error() const noexcept
    {
        assert(!has_value());
        return *std::get_if<1>(&state_);
    }

private:
    auto& checked_value() noexcept
    {
        assert(has_value());
        return state_;
    }
    auto const& checked_value() const noexcept
    {
        assert(has_value());
        return state_;
    }

    std::variant<T, parse_error> state_;
};

} // namespace probekit
