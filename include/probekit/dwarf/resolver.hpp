// The resolver policy: turns the point of a perf-probe command into probe addresses.
//
//   "area:3"  --resolve-->  { module "/opt/app", locations 0x1173 (area), 0x117a (area) }
//
// A resolver knows where a probe goes (and, through its argument hook, what it reads);
// it knows nothing of names, groups, caches or tracefs (orchestration does that).
// Policies: `libdw_resolver` (DWARF, elfutils), `symtab_resolver` (ELF symbols only) and
// `null_resolver` (no ELF support at all: every request is `unsupported`).
#pragma once

#include <probekit/error.hpp>
#include <probekit/perf_probe_event.hpp>

#include <concepts>
#include <cstdint>
#include <string>
#include <vector>

namespace probekit::dwarf {

/// One fetch argument of a resolved probe, as the trace command spells it
/// (`name=+0(%di):u32`): the name (may be empty), the fetch text, the type (may be empty).
/// `named` keeps a name written empty (`area =w`), which perf 6.1 prints as `=-28(%bp)`.
struct fetch_text {
    std::string name;
    std::string value;
    std::string type;
    bool named = false;

    friend bool operator==(fetch_text const&, fetch_text const&) = default;
};

/// One address a command resolves to.
struct probe_location {
    std::uint64_t address = 0; ///< what the uprobe takes: a file offset in `module`
    std::uint64_t vaddr = 0;   ///< the link-time virtual address (DWARF / symbol value)
    std::string realname;      ///< the function (or inlined instance) containing it
    bool retprobe = false;
    std::vector<fetch_text> args;

    friend bool operator==(probe_location const&, probe_location const&) = default;
};

/// All addresses of one command, in the order perf finds them.
struct resolution {
    std::string module; ///< the target path as the trace command spells it
    std::vector<probe_location> locations;
};

/// A resolver turns one command into its locations. Diagnostics that perf prints on
/// the way (warnings, the reason of a failure) are kept by the resolver for the caller.
template <typename R>
concept probe_resolver = requires(R& r, perf_probe_event const& event) {
    { r.resolve(event) } -> std::same_as<result<resolution>>;
    { r.diagnostics() } -> std::convertible_to<std::vector<std::string> const&>;
};

/// The resolver of a build without ELF support: nothing resolves.
class null_resolver {
public:
    result<resolution> resolve(perf_probe_event const&)
    {
        return parse_error{error_kind::unsupported, 0, 0, "",
                           "this build of probekit cannot read ELF or DWARF", ""};
    }
    std::vector<std::string> const& diagnostics() const noexcept { return diagnostics_; }

private:
    std::vector<std::string> diagnostics_;
};

static_assert(probe_resolver<null_resolver>);

/// `true` for an argument that names a C variable (perf: it starts with a letter or `_`),
/// or one of the DWARF expansions `$vars` / `$params`; everything else is a verbatim fetch.
inline bool is_dwarf_argument(probe_arg const& arg) noexcept
{
    if (arg.var.empty())
        return false;
    char const c = arg.var.front();
    bool const c_name = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return c_name || arg.var == "$vars" || arg.var == "$params";
}

/// Does any argument need DWARF? (perf: `perf_probe_with_var`)
inline bool needs_variables(perf_probe_event const& event) noexcept
{
    for (auto const& arg : event.args)
        if (is_dwarf_argument(arg))
            return true;
    return false;
}

/// A verbatim argument (`%di`, `$retval`, `+0(%di):u32`) as perf copies it.
inline fetch_text verbatim_fetch(probe_arg const& arg)
{
    return {arg.has_name ? arg.name : std::string(), arg.var, arg.has_type ? arg.type : "",
            arg.has_name};
}

} // namespace probekit::dwarf
