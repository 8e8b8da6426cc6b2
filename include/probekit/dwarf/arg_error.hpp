// Errors of argument resolution. Unlike `parse_error`, whose messages are static, these
// name the variable or member that failed ("Failed to find the location of the 'x'
// variable at this address."), so the message is owned. The text is perf's, so that the
// CLI can print it as perf does.
#pragma once

#include <probekit/error.hpp>

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace probekit::dwarf {

/// A failed argument: `not_found` (no such variable, or no location here), `unsupported`
/// (a location or register perf cannot fetch), `invalid` (a wrong field or type).
struct arg_error {
    error_kind kind = error_kind::invalid;
    std::string message; ///< perf's text, possibly several lines, no trailing newline

    friend bool operator==(arg_error const&, arg_error const&) = default;
};

/// Either a `T` or an `arg_error`; accessors assert instead of throwing.
template <typename T>
class [[nodiscard]] arg_result {
public:
    arg_result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
        : state_(std::in_place_index<0>, std::move(value))
    {
    }
    arg_result(arg_error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & noexcept { return get(); }
    T const& value() const& noexcept { return const_cast<arg_result*>(this)->get(); }
    T&& value() && noexcept { return std::move(get()); }
    T& operator*() & noexcept { return get(); }
    T* operator->() noexcept { return &get(); }
    T const* operator->() const noexcept { return &value(); }

    arg_error const& error() const noexcept
    {
        assert(!has_value());
        return *std::get_if<1>(&state_);
    }

private:
    T& get() noexcept
    {
        assert(has_value());
        return *std::get_if<0>(&state_);
    }

    std::variant<T, arg_error> state_;
};

} // namespace probekit::dwarf
