// Names of ELF symbols as `perf probe -F` shows them: C++ names demangled without their
// parameter lists and return types (`maxof<int>`, `geo::Box::~Box`), others as they are.
#pragma once

#include <cxxabi.h>
#if defined(PROBEKIT_HAS_LIBIBERTY)
// Declared here, as perf does: <libiberty/demangle.h> pulls in a `basename` that clashes
// with glibc's C++ declaration. Options 0 is DMGL_NO_OPTS: no parameters, no return type.
extern "C" char* cplus_demangle(char const* mangled, int options);
#endif

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

// Is the word `operator` (not `operatorish`) at `i`?
inline bool is_operator_word(std::string_view name, std::size_t i) noexcept
{
    constexpr std::string_view word = "operator";
    auto const identifier = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    return (i == 0 || !identifier(name[i - 1])) && name.substr(i).starts_with(word) &&
           (i + word.size() == name.size() || !identifier(name[i + word.size()]));
}

// Index just past the last blank at depth 0 before `end` (a return type ends there). The
// blanks of an operator's own name (`operator delete`, `operator new[]`, `operator int`)
// do not count: the scan stops at the word `operator`.
inline std::size_t name_start(std::string_view name, std::size_t end) noexcept
{
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < end; ++i) {
        if (depth == 0 && is_operator_word(name, i))
            break;
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
/// With PROBEKIT_HAS_LIBIBERTY (link -liberty, Debian's libiberty-dev) this is perf 6.1's own
/// call, libiberty's demangler without options, and so its exact spelling (`non-virtual
/// thunk to X::~X()`); otherwise __cxa_demangle's text with the parameter list and return
/// type cut off, which agrees with it except for such special names.
inline std::string demangle_without_parameters(std::string_view symbol)
{
    std::string const mangled(symbol);
#if defined(PROBEKIT_HAS_LIBIBERTY)
    char* const demangled = cplus_demangle(mangled.c_str(), 0);
    if (!demangled)
        return mangled;
    std::string out(demangled);
    std::free(demangled);
    return out;
#else
    if (!symbol.starts_with("_Z"))
        return mangled;
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
#endif
}

} // namespace probekit::elf
