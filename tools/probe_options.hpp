// The options of `probekit probe`, spelled and checked as perf probe does: short and long
// forms, `--opt=VALUE` and `--opt VALUE`, repeatable -D/-a/-d, optional values for -l/-F,
// and perf's messages for a missing value, an unknown option or two exclusive actions.
#pragma once

#include "commands.hpp"

#include <probekit/line_range.hpp>
#include <probekit/perf_probe_event.hpp>
#include <probekit/strfilter.hpp>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::cli {

struct probe_options {
    std::string target;               // -x
    std::vector<std::string> defines; // -D
    std::vector<std::string> adds;    // -a and bare PROBEDEFs
    std::vector<std::string> deletes; // -d
    std::optional<std::string> list;  // -l [FILTER]
    std::optional<strfilter> funcs;   // -F [FILTER], parsed as perf parses it, with the options
    std::optional<line_range> line;   // -L
    std::optional<perf_probe_event> vars; // -V
    std::string source;               // -s
    std::string vmlinux;              // -k
    bool force = false, quiet = false, dry_run = false, cache = false;
    bool externs = false, range = false, no_inlines = false;
    int verbose = 0;
    char action = 0;                  // the exclusive action given first
};

inline void print_probe_usage()
{
    std::fputs("\n Usage: perf probe [<options>] 'PROBEDEF' ['PROBEDEF' ...]\n"
               "    or: perf probe [<options>] --add 'PROBEDEF' [--add 'PROBEDEF' ...]\n"
               "    or: perf probe [<options>] --del '[GROUP:]EVENT' ...\n"
               "    or: perf probe --list [GROUP:]EVENT ...\n"
               "    or: perf probe [<options>] --line 'LINEDESC'\n"
               "    or: perf probe [<options>] --vars 'PROBEPOINT'\n"
               "    or: perf probe [<options>] --funcs\n\n",
               stderr);
}

/// perf's filter for -F without one: no names starting with '_', no PLT slots.
inline constexpr std::string_view default_funcs_filter = "!_*&!*@plt";

/// The help perf prints under its usage when a short option's value is refused.
inline void print_option_help(char option)
{
    switch (option) {
    case 'x':
        std::fputs("    -x, --exec <executable|path>\n"
                   "                          target executable name or path\n", stderr);
        break;
    case 'l':
        std::fputs("    -l, --list <[GROUP:]EVENT>\n"
                   "                          list up probe events\n", stderr);
        break;
    case 'd':
        std::fputs("    -d, --del <[GROUP:]EVENT>\n"
                   "                          delete a probe event.\n", stderr);
        break;
    case 'F':
        std::fputs("    -F, --funcs <[FILTER]>\n"
                   "                          Show potential probe-able functions.\n", stderr);
        break;
    case 'L':
        std::fputs("    -L, --line <FUNC[:RLN[+NUM|-RLN2]]|SRC:ALN[+NUM|-ALN2]>\n"
                   "                          Show source code lines.\n", stderr);
        break;
    case 'V':
        std::fputs("    -V, --vars <FUNC[@SRC][+OFF|%return|:RL|;PT]|SRC:AL|SRC;PT>\n"
                   "                          Show accessible variables on PROBEDEF\n", stderr);
        break;
    }
}

/// perf parses the range of -L and the point of -V while it reads the options; nothing
/// after printing its `Semantic error :...`. (Defined beside the listings, which hold the
/// parser.)
std::optional<line_range> read_line_range(std::string const& text);
std::optional<perf_probe_event> read_vars_point(std::string const& text);

/// perf parses a filter (-l, -d, -F) while it reads the options: a bad one is a usage
/// error, shown with a caret under the fault. Nothing after printing the message.
inline std::optional<strfilter> read_filter(std::string const& text)
{
    auto parsed = parse_strfilter(text);
    if (parsed)
        return std::move(*parsed);
    std::size_t const at = parsed.error().offset;
    std::fprintf(stderr, "Filter parse error at %zu.\nSource: \"%s\"\n         %*c\n", at + 1,
                 text.c_str(), static_cast<int>(at + 1), '^');
    return std::nullopt;
}

/// perf makes -x absolute while it reads the options; a path that does not resolve is a
/// usage error. False after printing the message.
inline bool make_absolute(std::string& target)
{
    char buffer[PATH_MAX];
    if (!realpath(target.c_str(), buffer)) {
        std::fprintf(stderr, "Failed to get the absolute path of %s: %s\n", target.c_str(),
                     std::strerror(errno));
        return false;
    }
    target = buffer;
    return true;
}

/// A whole decimal number, as perf's integer options take it.
inline bool is_number(std::string_view text)
{
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

/// Parses argv; prints perf's message and returns nullopt on a usage error.
inline std::optional<probe_options> parse_probe_options(arguments args)
{
    probe_options o;
    struct spec {
        char short_name;
        std::string_view long_name;
        int value; // 0 none, 1 required, 2 optional (only attached)
    };
    static constexpr spec specs[] = {
        {'x', "exec", 1},    {'D', "definition", 1}, {'a', "add", 1},   {'d', "del", 1},
        {'l', "list", 2},    {'F', "funcs", 2},      {'L', "line", 1},  {'V', "vars", 1},
        {'s', "source", 1},  {'k', "vmlinux", 1},    {'m', "module", 1}, {'f', "force", 0},
        {'q', "quiet", 0},   {'v', "verbose", 0},    {'n', "dry-run", 0}, {0, "cache", 0},
        {0, "externs", 0},   {0, "range", 0},        {0, "no-inlines", 0}, {0, "max-probes", 1},
        {0, "demangle", 0},  {0, "no-demangle", 0},  {0, "demangle-kernel", 0},
        {0, "target-ns", 1}, {0, "filter", 1},       {0, "symfs", 1},   {0, "bootconfig", 0},
    };
    auto const fail = [](std::string const& message) -> std::optional<probe_options> {
        std::fprintf(stderr, "%s\n", message.c_str());
        print_probe_usage();
        return std::nullopt;
    };
    auto const name_of = [](spec const& s) {
        return s.short_name ? std::string(1, s.short_name) : std::string(s.long_name);
    };

    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        spec const* found = nullptr;
        std::optional<std::string> value;
        if (arg.starts_with("--") && arg.size() > 2) {
            auto name = arg.substr(2);
            if (auto eq = name.find('='); eq != name.npos) {
                value = std::string(name.substr(eq + 1));
                name = name.substr(0, eq);
            }
            for (auto const& s : specs)
                if (s.long_name == name)
                    found = &s;
            if (!found)
                return fail("  Error: unknown option `" + std::string(name) + "'");
        } else if (arg.size() > 1 && arg[0] == '-') {
            for (auto const& s : specs)
                if (s.short_name == arg[1])
                    found = &s;
            if (!found)
                return fail("  Error: unknown switch `" + std::string(1, arg[1]) + "'");
            if (arg.size() > 2) {
                if (found->value == 0) {
                    // Bundled flags: -fn
                    for (char c : arg.substr(1)) {
                        if (c == 'f') o.force = true;
                        else if (c == 'q') o.quiet = true;
                        else if (c == 'v') ++o.verbose;
                        else if (c == 'n') o.dry_run = true;
                        else return fail("  Error: unknown switch `" + std::string(1, c) + "'");
                    }
                    continue;
                }
                value = std::string(arg.substr(2));
            }
        } else {
            o.adds.emplace_back(arg);
            continue;
        }

        // perf's optional values (-l, -F) also take a following word that is no option.
        if (found->value == 2 && !value && i + 1 < args.size() && args[i + 1][0] != '-')
            value = std::string(args[++i]);
        if (found->value == 1 && !value) {
            if (i + 1 >= args.size())
                return fail(" Error: switch `" + name_of(*found) + "' requires a value");
            value = std::string(args[++i]);
        }

        char const key = found->short_name;
        if (key && std::string_view("DadlFLV").find(key) != std::string_view::npos) {
            if (o.action && o.action != key)
                return fail(" Error: switch `" + std::string(1, key) +
                            "' cannot be used with switch `" + std::string(1, o.action) + "'");
            o.action = key;
        }
        bool refused = false;
        if (key == 'x')
            refused = !make_absolute(*value);
        else if (key == 'l' || key == 'd') // their filters are read again where they are used
            refused = value && !read_filter(*value);
        else if (key == 'F')
            refused = !(o.funcs = read_filter(value.value_or(std::string(default_funcs_filter))));
        else if (key == 'L')
            refused = !(o.line = read_line_range(*value));
        else if (key == 'V')
            refused = !(o.vars = read_vars_point(*value));
        if (refused) {
            print_probe_usage();
            // perf finds the option's help by the word it was given as; `--funcs=X` is
            // not that word
            if (!(arg.starts_with("--") && arg.find('=') != std::string_view::npos))
                print_option_help(key);
            return std::nullopt;
        }
        switch (key) {
        case 'x': o.target = *value; break;
        case 'D': o.defines.push_back(*value); break;
        case 'a': o.adds.push_back(*value); break;
        case 'd': o.deletes.push_back(*value); break;
        case 'l': o.list = value.value_or(""); break;
        case 'F': case 'L': case 'V': break; // read above
        case 's': o.source = *value; break;
        case 'k': o.vmlinux = *value; break;
        case 'f': o.force = true; break;
        case 'q': o.quiet = true; break;
        case 'v': ++o.verbose; break;
        case 'n': o.dry_run = true; break;
        default:
            if (found->long_name == "max-probes" && !is_number(*value))
                return fail(" Error: switch `max-probes' expects a numerical value");
            if (found->long_name == "cache") o.cache = true;
            else if (found->long_name == "externs") o.externs = true;
            else if (found->long_name == "range") o.range = true;
            else if (found->long_name == "no-inlines") o.no_inlines = true;
            break;
        }
    }
    if (!o.adds.empty() && o.action && o.action != 'a')
        return fail(" Error: switch `a' cannot be used with switch `" +
                    std::string(1, o.action) + "'");
    return o;
}

} // namespace probekit::cli
