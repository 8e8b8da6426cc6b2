// Names of ELF symbols as `perf probe -F` shows them: C++ names demangled without their
// parameter lists and return types (`maxof<int>`, `geo::Box::~Box`), others as they are.
#pragma once

#include <cxxabi.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace probekit::elf {

namespace detail {

// Index of the last '(' at depth 0: the parameter list (`operator()(int)` has two).
inline std::size_t parameter_list_start(std::string_view name) noexcept
{
    int depth = 0;
    std::size_t open = std::string_view::npos;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char const c = name[i];
        if (c == '(' || c == '<' || c == '{' || c == '[') {
            if (depth == 0 && c == '(')
                open = i;
            ++depth;
        } else if (c == ')' || c == '>' || c == '}' || c == ']') {
            --depth;
        }
    }
    return open;
}

// Index just past the last blank at depth 0 before `end` (a return type ends there).
inline std::size_t name_start(std::string_view name, std::size_t end) noexcept
{
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < end; ++i) {
        char const c = name[i];
        if (c == '(' || c == '<' || c == '{' || c == '[')
            ++depth;
        else if (c == ')' || c == '>' || c == '}' || c == ']')
            --depth;
        else if (c == ' ' && depth == 0)
            start = i + 1;
    }
    return start;
}

} // namespace detail

/// `_ZN3geo3Box4growEi` -> `geo::Box::grow`; a name that is not mangled is returned as is.
inline std::string demangle_without_parameters(std::string_view symbol)
{
    if (!symbol.starts_with("_Z"))
        return std::string(symbol);
    std::string const mangled(symbol);
    int status = 0;
    char* text = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
    if (status != 0 || !text)
        return mangled;
    std::string full(text);
    std::free(text);
    std::string_view view = full;
    std::size_t const open = detail::parameter_list_start(view);
    if (open == std::string_view::npos)
        return full;
    return std::string(view.substr(detail::name_start(view, open),
                                   open - detail::name_start(view, open)));
}

} // namespace probekit::elf
