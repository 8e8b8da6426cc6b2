// Argument resolution: the arguments of a perf-probe command, at one probe address, as
// fetch args (what `perf probe -D` prints after the address).
//
//   area p->x w      at 0x1197 (gcc -O0)  ->  x=+0(-24(%bp)):s32 w=-28(%bp):s32
//   area $params     at 0x1450 (gcc -O2)  ->  p=%di:x64 w=%si:s32 a=%dx:s32
//   area %di @sym    anywhere             ->  %di @sym          (verbatim, unnamed)
//
// How a resolver uses it, for every address one command resolves to:
//
//   cfi_tables cfi{dwfl_module_eh_cfi(mod, &bias), dwfl_module_dwarf_cfi(mod, &bias), bias};
//   auto at = resolve_args(scope, cu, pc, event.args, {arch, cfi});
//   ... collect `*at` per address, then once for the command:
//   if (auto error = fill_missing_args(all, event.args)) fail with error->message;
//
// `scope` is the DIE perf resolves variables in: the function for a probe on a function's
// entry (or offset), the inlined instance (DW_TAG_inlined_subroutine) for an inlined
// entry, and `containing_function(cu, pc)` for line and lazy-pattern probes.
//
// A variable that does not exist at one address, or has no location there, is `missing`
// rather than an error (perf: skip_empty_arg): an inlined instance may lack what the
// out-of-line copy has. It gets the magic immediate `\deade12d`, typed as its declaration
// says; `fill_missing_args` then types it as at the first address that has it (perf's
// rule), or fails when no address has it at all.
#pragma once

#include <probekit/dwarf/arg_error.hpp>
#include <probekit/dwarf/arg_type.hpp>
#include <probekit/dwarf/fetch_arg.hpp>
#include <probekit/dwarf/field_chain.hpp>
#include <probekit/dwarf/location.hpp>
#include <probekit/dwarf/registers.hpp>
#include <probekit/dwarf/variable_scope.hpp>
#include <probekit/perf_probe_event.hpp>

#include <cctype>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace probekit::dwarf {

/// How arguments are resolved; the defaults are those of a current kernel on x86_64.
struct arg_options {
    dwarf_arch arch = dwarf_arch::x86_64;
    cfi_tables cfi;          ///< for DW_OP_call_frame_cfa frame bases (gcc at -O0)
    bool fill_missing = true; ///< the kernel takes immediates: missing variables get
                              ///< `\deade12d` (else a missing variable is an error)
    bool hex_types = true;    ///< the kernel takes x8..x64
    /// A variable declared nowhere in the scope or the CU fails at once, with perf's
    /// message, instead of being missing (for callers that cannot run
    /// `fill_missing_args` over all addresses; differs from perf only when another
    /// address of the same command is in a scope that declares the variable).
    bool undeclared_is_error = false;
};

/// perf's placeholder for a variable an inlined instance does not have.
inline constexpr std::string_view missing_value = "\\deade12d";

/// One resolved argument.
struct resolved_arg {
    fetch_arg fetch;
    std::size_t source = 0; ///< index of the perf-probe argument it comes from
    bool missing = false;   ///< not available here; `fill_missing_args` fills it
};

/// The arguments at one address (`$vars` and `$params` expanded), and the notes perf
/// prints on the way ("rec exceeds max-bitwidth. Cut down to 64 bits.").
struct resolved_args {
    std::vector<resolved_arg> args;
    std::vector<std::string> notes;
};

/// perf's test for a C variable: the argument starts with a letter or `_`.
inline bool is_c_variable(std::string_view var) noexcept
{
    return !var.empty() &&
           (std::isalpha(static_cast<unsigned char>(var.front())) || var.front() == '_');
}

/// Does any argument need DWARF (a C variable, `$vars` or `$params`)? perf skips the
/// prologue of -O0 code and requires debuginfo exactly then.
inline bool has_variable_args(std::span<probe_arg const> args) noexcept
{
    for (auto const& arg : args)
        if (is_c_variable(arg.var) || arg.var == "$vars" || arg.var == "$params")
            return true;
    return false;
}

/// The name of an argument written without one: perf's synthesized argument with its
/// first `:` turned into `_` (`p:x32` -> `p_x32`), except that any character a C
/// identifier cannot hold also becomes `_` (`p:b8@0/64` -> `p_b8_0_64`, not perf's
/// invalid `p_b8@0/64`: fault F7).
inline std::string default_arg_name(probe_arg const& arg)
{
    std::string name = arg.var;
    for (auto const& field : arg.fields) {
        if (field.access == field_access::index)
            name += "[" + std::to_string(field.index) + "]";
        else
            name += (field.access == field_access::arrow ? "->" : ".") + field.name;
    }
    if (arg.has_type)
        name += ":" + arg.type;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            c = '_';
    return name;
}

/// perf's message for a variable found at none of a command's addresses.
inline std::string variable_not_found_message(std::string_view var)
{
    std::string const v(var);
    return "Failed to find the location of the '" + v + "' variable at this address.\n"
           " Perhaps it has been optimized out.\n"
           " Use -V with the --range option to show '" + v + "' location range.";
}

namespace detail {

// `$vars` / `$params` become one argument per variable with a location here (perf:
// once `$vars` has been seen, later `$params` include locals too).
inline std::vector<std::pair<probe_arg, std::size_t>>
expand_args(Dwarf_Die& scope, Dwarf_Addr pc, std::span<probe_arg const> args,
            frame_base const& fb, Dwarf_Die* function, dwarf_arch arch)
{
    std::vector<std::pair<probe_arg, std::size_t>> out;
    bool locals = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].var != "$vars" && args[i].var != "$params") {
            out.emplace_back(args[i], i);
            continue;
        }
        locals = locals || args[i].var == "$vars";
        for_each_variable(scope, pc, locals, true, [&](Dwarf_Die& die) {
            char const* name = dwarf_diename(&die);
            fetch_arg probe;
            if (name && locate_variable(die, name, pc, fb, function, arch, probe) ==
                            location_status::ok) {
                probe_arg expanded;
                expanded.var = name;
                out.emplace_back(std::move(expanded), i);
            }
        });
    }
    return out;
}

inline fetch_arg verbatim_arg(probe_arg const& arg)
{
    fetch_arg out;
    out.name = arg.name;
    out.has_name = arg.has_name;
    out.base = arg.var;
    out.type = arg.type;
    out.has_type = arg.has_type;
    return out;
}

inline arg_error location_error(location_status status, std::string const& var)
{
    if (status == location_status::invalid)
        return {error_kind::invalid, "The debug information of '" + var + "' has no location."};
    return {status == location_status::not_found ? error_kind::not_found
                                                 : error_kind::unsupported,
            "Sorry, we don't support this variable location yet."};
}

struct arg_context {
    Dwarf_Die& scope;
    Dwarf_Die& cu;
    Dwarf_Addr pc;
    frame_base const& fb;
    Dwarf_Die* function;
    arg_options const& options;
};

// The type a variable missing here has where it exists: perf types `\deade12d` like the
// argument at another address; this finds the same declaration in the scope (or the CU)
// without asking for a location, and types it through the same field chain.
inline bool guess_missing_type(arg_context const& ctx, probe_arg const& arg, fetch_arg& fetch)
{
    auto const named = [&](Dwarf_Die& root) {
        return walk_children(root, [&](Dwarf_Die& die) {
            char const* name = dwarf_diename(&die);
            if (is_variable_tag(dwarf_tag(&die)) && name && arg.var == name)
                return walk_step::found;
            return dwarf_tag(&die) == DW_TAG_lexical_block ||
                           dwarf_tag(&die) == DW_TAG_inlined_subroutine
                       ? walk_step::enter
                       : walk_step::skip_children;
        });
    };
    auto die = named(ctx.scope);
    if (!die)
        die = named(ctx.cu);
    fetch_arg typed;
    typed.base = "%ax";
    typed.derefs.push_back({0, false}); // as if in memory: '.' needs that
    std::vector<std::string> notes;
    if (!die)
        return false;
    Dwarf_Die holder = *die;
    if (apply_fields(holder, arg.var, arg.fields, false, typed))
        return true;
    type_request const request{arg.type, arg.has_type, false, ctx.options.hex_types};
    if (!choose_fetch_type(holder, request, typed, notes)) {
        fetch.type = typed.type;
        fetch.has_type = typed.has_type;
    }
    return true;
}

inline std::optional<arg_error> mark_missing(arg_context const& ctx, probe_arg const& arg,
                                             resolved_arg& out)
{
    out.missing = true;
    out.fetch.base = std::string(missing_value);
    out.fetch.derefs.clear();
    if (!guess_missing_type(ctx, arg, out.fetch) && ctx.options.undeclared_is_error)
        return arg_error{error_kind::not_found, variable_not_found_message(arg.var)};
    return std::nullopt;
}

// One C variable with its fields and type.
inline std::optional<arg_error> resolve_variable(arg_context const& ctx, probe_arg const& arg,
                                                 resolved_arg& out,
                                                 std::vector<std::string>& notes)
{
    auto& fetch = out.fetch;
    fetch.has_name = true;
    fetch.name = arg.has_name ? arg.name : default_arg_name(arg);

    auto die = find_variable(ctx.scope, ctx.cu, arg.var, ctx.pc);
    if (!die) {
        if (ctx.options.fill_missing)
            return mark_missing(ctx, arg, out);
        return arg_error{error_kind::not_found,
                         "Failed to find '" + arg.var + "' in this function."};
    }

    char const* name = dwarf_diename(&*die);
    auto const status = locate_variable(*die, name, ctx.pc, ctx.fb, ctx.function,
                                        ctx.options.arch, fetch);
    if (status == location_status::not_found && ctx.options.fill_missing)
        return mark_missing(ctx, arg, out);
    if (status != location_status::ok)
        return location_error(status, arg.var);

    Dwarf_Die holder = *die;
    if (auto error = apply_fields(holder, arg.var, arg.fields, arg.user_access, fetch))
        return error;
    type_request const request{arg.type, arg.has_type, arg.user_access, ctx.options.hex_types};
    return choose_fetch_type(holder, request, fetch, notes);
}

} // namespace detail

/// Resolves `args` at `pc` in `scope` (see the top of this header). Verbatim arguments
/// (registers, `$retval`, `@sym`, `+0(%di)`) are copied; C variables are looked up.
inline arg_result<resolved_args> resolve_args(Dwarf_Die& scope, Dwarf_Die& cu, Dwarf_Addr pc,
                                              std::span<probe_arg const> args,
                                              arg_options const& options = {})
{
    for (auto const& arg : args)
        if (arg.has_type)
            if (auto error = check_explicit_type(arg.var, arg.type, is_c_variable(arg.var)))
                return *std::move(error);

    frame_base fb;
    if (has_variable_args(args)) {
        auto computed = compute_frame_base(scope, pc, options.cfi);
        if (!computed)
            return computed.error();
        fb = *computed;
    }
    // The entry rule of `locate_variable` applies to out-of-line functions only
    Dwarf_Die* function = dwarf_tag(&scope) == DW_TAG_subprogram ? &scope : nullptr;
    detail::arg_context const ctx{scope, cu, pc, fb, function, options};

    resolved_args out;
    for (auto& [arg, source] : detail::expand_args(scope, pc, args, fb, function, options.arch)) {
        resolved_arg resolved;
        resolved.source = source;
        if (!is_c_variable(arg.var))
            resolved.fetch = detail::verbatim_arg(arg);
        else if (auto error = detail::resolve_variable(ctx, arg, resolved, out.notes))
            return *std::move(error);
        out.args.push_back(std::move(resolved));
    }
    return out;
}

/// Completes the arguments of all addresses of one command: a variable missing at some
/// addresses becomes `\deade12d` there, typed as where it was found; a variable missing
/// everywhere is an error.
inline std::optional<arg_error> fill_missing_args(std::span<resolved_args> locations,
                                                  std::span<probe_arg const> args)
{
    for (auto& location : locations) {
        for (auto& arg : location.args) {
            if (!arg.missing)
                continue;
            fetch_arg const* model = nullptr;
            for (auto const& other : locations)
                for (auto const& candidate : other.args)
                    if (!model && !candidate.missing && candidate.source == arg.source)
                        model = &candidate.fetch;
            if (!model)
                return arg_error{error_kind::not_found,
                                 variable_not_found_message(args[arg.source].var)};
            arg.fetch.base = std::string(missing_value);
            arg.fetch.derefs.clear();
            arg.fetch.type = model->type;
            arg.fetch.has_type = model->has_type;
            arg.missing = false;
        }
    }
    return std::nullopt;
}

/// The fetch text without name and type (`+0(-24(%bp))`), for callers that keep the
/// three parts apart.
inline std::string fetch_value_text(fetch_arg const& arg)
{
    fetch_arg bare = arg;
    bare.has_name = false;
    bare.has_type = false;
    return to_string(bare);
}

} // namespace probekit::dwarf
