// -l, -d, -F, -L, -V of `probekit probe`.
#include "probe_listing.hpp"
#include "perf_wording.hpp"

#include "commands.hpp"
#include "probe_options.hpp"

#include <probekit/strfilter.hpp>
#include <probekit/tracefs.hpp>

#ifdef PROBEKIT_HAS_LIBDW
#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/address_lookup.hpp>
#include <probekit/dwarf/arg_hook.hpp>
#include <probekit/dwarf/libdw_resolver.hpp>
#include <probekit/dwarf/line_finder.hpp>
#include <probekit/dwarf/variable_listing.hpp>
#include <probekit/elf/plt_names.hpp>
#include <probekit/elf/symbol_names.hpp>
#endif
#include <probekit/perf_probe.hpp>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace probekit::cli {

namespace {

/// perf's event filter: globs over `[GROUP:]EVENT`.
std::optional<strfilter> event_filter(std::string const& text)
{
    auto f = parse_strfilter(text.empty() ? "*" : text);
    if (!f)
        return std::nullopt;
    return std::move(*f);
}

/// perf tries the event name alone first, then "GROUP:EVENT": `myev` and `sdt_*` both
/// select `sdt_oracle:myev`.
bool selects_event(strfilter const& filter, tracefs_event const& ev)
{
    return filter.match(ev.event) || filter.match(ev.group + ":" + ev.event);
}

/// The kernel's lines, sorted as perf sorts them (as text), with their parsed fields.
std::optional<std::vector<std::pair<std::string, tracefs_event>>> sorted_uprobes()
{
    std::ifstream in(tracefs_uprobes().path());
    if (!in)
        return std::nullopt;
    std::vector<std::pair<std::string, tracefs_event>> out;
    std::string line;
    while (std::getline(in, line)) {
        tracefs_event ev;
        if (split_tracefs_line(line, ev))
            out.emplace_back(line, std::move(ev));
    }
    std::sort(out.begin(), out.end(),
              [](auto const& a, auto const& b) { return a.first < b.first; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](auto const& a, auto const& b) { return a.first == b.first; }),
              out.end());
    return out;
}

/// "FUNC:LINE@FILE" for a live uprobe, as perf shows it (or FUNC+OFF, or the raw address).
std::string describe_uprobe(tracefs_event const& ev)
{
#ifdef PROBEKIT_HAS_LIBDW
    static std::map<std::string, std::optional<dwarf::debuginfo>> opened;
    auto it = opened.find(ev.module);
    if (it == opened.end()) {
        auto info = dwarf::debuginfo::open(ev.module);
        it = opened.emplace(ev.module, info ? std::optional(std::move(*info)) : std::nullopt)
                 .first;
    }
    if (it->second) {
        auto const& info = *it->second;
        auto point = dwarf::find_probe_point(info, ev.address + info.text_bias());
        if (point) {
            point->retprobe = ev.kind == 'r';
            return dwarf::describe_point(*point);
        }
    }
#endif
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(ev.address));
    return buffer;
}

} // namespace

int list_events(std::string const& filter_text)
{
    auto const filter = event_filter(filter_text);
    if (!filter) {
        std::fputs("  Error: Failed to list events.\n", stderr);
        return exit_bad_input;
    }
    auto const lines = sorted_uprobes();
    if (!lines)
        return exit_ok; // no tracefs: nothing to list, as perf
    for (auto const& [text, ev] : *lines) {
        std::string const name = ev.group + ":" + ev.event;
        if (!selects_event(*filter, ev))
            continue;
        std::printf("  %-20s (on %s in %s", name.c_str(), describe_uprobe(ev).c_str(),
                    ev.module.c_str());
        if (!ev.args.empty()) {
            std::printf(" with");
            for (auto const& arg : ev.args)
                std::printf(" %s", arg.substr(0, arg.find('=')).c_str());
        }
        std::printf(")\n");
    }
    return exit_ok;
}

int delete_events(std::vector<std::string> const& filters, bool quiet)
{
    std::string joined;
    for (auto const& f : filters)
        joined += (joined.empty() ? "" : "|") + f;
    auto const filter = event_filter(joined);
    auto const lines = sorted_uprobes();
    if (!filter || !lines) {
        std::fputs("  Error: Failed to delete events.\n", stderr);
        return exit_bad_input;
    }
    std::vector<std::pair<std::string, std::string>> victims;
    for (auto const& [text, ev] : *lines) {
        std::pair<std::string, std::string> key{ev.group, ev.event};
        if (selects_event(*filter, ev) &&
            std::find(victims.begin(), victims.end(), key) == victims.end())
            victims.push_back(std::move(key));
    }
    if (victims.empty()) {
        std::string shown;
        for (auto const& f : filters)
            shown += (shown.empty() ? "" : "|") + f;
        std::fprintf(stderr, "\"%s\" does not hit any event.\n"
                             "  Error: Failed to delete events.\n", shown.c_str());
        return exit_bad_input;
    }
    tracefs_uprobes sink;
    for (auto const& [group, event] : victims) {
        if (!sink.remove(group, event)) {
            std::fprintf(stderr, "Failed to delete event: %s\n  Error: Failed to delete events.\n",
                         std::strerror(sink.errno_value()));
            return exit_environment;
        }
        if (!quiet)
            std::fprintf(stderr, "Removed event: %s:%s\n", group.c_str(), event.c_str());
    }
    return exit_ok;
}

std::optional<line_range> read_line_range(std::string const& text)
{
    auto const range = parse_line_range(text);
    if (!range) {
        std::fprintf(stderr, "Semantic error :%s\n", perf_wording(range.error(), text).c_str());
        return std::nullopt;
    }
    return to_owning(*range);
}

std::optional<perf_probe_event> read_vars_point(std::string const& text)
{
    auto point = parse_perf_probe(text);
    if (!point) {
        std::fprintf(stderr, "Semantic error :%s\n", perf_wording(point.error(), text).c_str());
        return std::nullopt;
    }
    return std::move(*point);
}

#ifdef PROBEKIT_HAS_LIBDW
namespace {

/// Opens -x's target (made absolute with the options), with `open_failure` followed by
/// the path when it is no ELF file.
std::optional<dwarf::debuginfo> open_target(std::string const& target, std::string& module,
                                            char const* open_failure = "Failed to open")
{
    if (target.empty()) {
        std::fputs("probekit: error: the kernel's symbols and lines need a vmlinux with debug "
                   "information; give a user-space target with -x\n", stderr);
        return std::nullopt;
    }
    module = target; // made absolute with the options
    auto info = dwarf::debuginfo::open(module);
    if (!info) {
        std::fprintf(stderr, "%s %s\n", open_failure, module.c_str());
        return std::nullopt;
    }
    return std::move(*info);
}

} // namespace

// perf lists the symbols it loads for the target (functions, objects and labels in sections
// that are loaded) and a name for each PLT slot, C++ names demangled, sorted by name
// (`default_funcs_filter` hides names starting with '_' and PLT slots).
int show_functions(std::string const& target, strfilter const& filter)
{
    // perf's message for a file that is no ELF and for one without a symbol to list alike
    constexpr char const* no_symbols = "Failed to load symbols in";
    auto const fail = [] {
        std::fputs("  Error: Failed to show functions.\n", stderr);
        return exit_environment;
    };
    std::string module;
    auto info = open_target(target, module, no_symbols);
    if (!info)
        return fail();
    std::vector<std::string> names;
    std::size_t loaded_symbols = 0;
    auto const list = [&](dwarf::elf_symbol const& s) {
        // perf keeps a label (STT_NOTYPE) only in a section named like text or data, and
        // not hidden: `data_start` is listed, `_end` and `__bss_start` (.bss) are not.
        bool const label_section = s.section_name.find("text") != std::string_view::npos ||
                                   s.section_name.find("data") != std::string_view::npos;
        bool const label = s.type == STT_NOTYPE && label_section &&
                           s.visibility != STV_HIDDEN && s.visibility != STV_INTERNAL;
        bool const listed = s.type == STT_FUNC || s.type == STT_GNU_IFUNC ||
                            s.type == STT_OBJECT || label;
        // nor anything in a section that is not loaded (glibc's `.gnu.warning.*` objects)
        bool const loaded = (s.section_flags & SHF_ALLOC) != 0;
        if (listed && loaded && !s.name.empty() && s.section != SHN_ABS) {
            ++loaded_symbols;
            std::string name = elf::demangle_without_parameters(s.name);
            if (filter.match(name))
                names.push_back(std::move(name));
        }
        return true;
    };
    info->for_each_symbol(list);
    info->for_each_dynsym_beside_symtab(list);
    // perf names PLT slots only once it has loaded symbols, and gives up without any (a
    // stripped executable whose .dynsym only imports)
    if (loaded_symbols == 0) {
        std::fprintf(stderr, "%s %s\n", no_symbols, module.c_str());
        return fail();
    }
    for (auto& name : elf::plt_slot_names(info->elf()))
        if (filter.match(name))
            names.push_back(std::move(name));
    std::sort(names.begin(), names.end());
    for (auto const& n : names)
        std::printf("%s\n", n.c_str());
    return exit_ok;
}
#else
int show_functions(std::string const&, strfilter const&)
{
    std::fputs("probekit: error: this build cannot read ELF files\n", stderr);
    return exit_environment;
}
#endif

#ifdef PROBEKIT_HAS_LIBDW
namespace {

/// perf's find_source_path: DWARF's path, under --source DIR (dropping leading directories
/// until one exists) or the CU's compilation directory.
std::optional<std::string> source_path(std::string const& raw, std::string const& comp_dir,
                                       std::string const& prefix)
{
    if (prefix.empty()) {
        std::string const path = raw.front() != '/' && !comp_dir.empty()
                                     ? comp_dir + "/" + raw : raw;
        return access(path.c_str(), R_OK) == 0 ? std::optional(path) : std::nullopt;
    }
    for (std::string_view rest = raw;;) {
        std::string const path = prefix + "/" + std::string(rest);
        if (access(path.c_str(), R_OK) == 0)
            return path;
        auto const slash = rest.find('/', 1);
        if (slash == std::string_view::npos)
            return std::nullopt;
        rest = rest.substr(slash);
    }
}

/// Prints the listing: probe-able lines numbered (relative to the function), others
/// indented, then two more lines after an open-ended range, as perf does.
int print_line_listing(dwarf::line_listing& l, std::string const& path)
{
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) {
        std::fprintf(stderr, "Failed to open %s: %s\n", path.c_str(), std::strerror(errno));
        return exit_environment;
    }
    if (!l.function.empty())
        std::printf("<%s@%s:%d>\n", l.function.c_str(), path.c_str(), l.start - l.offset);
    else
        std::printf("<%s:%d>\n", path.c_str(), l.start);

    char* buffer = nullptr;
    std::size_t size = 0;
    int number = 1;
    auto const next_line = [&]() { return getline(&buffer, &size, f) >= 0; };
    bool ok = true;
    while (ok && number < l.start)
        ok = next_line(), ++number;
    for (int want : l.lines) {
        for (; ok && number < want; ++number)
            if ((ok = next_line()))
                std::printf("         %s", buffer);
        if (ok && (ok = next_line()))
            std::printf("%7d  %s", number - l.offset, buffer);
        ++number;
    }
    int const end = l.end == INT_MAX ? number + 2 : l.end;
    for (; ok && number <= end; ++number)
        if ((ok = next_line()))
            std::printf("         %s", buffer);
    std::free(buffer);
    std::fclose(f);
    return exit_ok;
}

} // namespace

namespace {

/// perf's second try for a function that only the symbol table names (an alias such as
/// `malloc`): the point at the symbol's address gives the DWARF function (linkage name),
/// its file and line, to which perf adds the lines asked for. Without it, `failure` is
/// perf's message: none for a file given too, or a name no table has ("not found"), or
/// an address DWARF does not cover ("analysis failed").
std::optional<line_range> alternative_line_range(dwarf::debuginfo const& info,
                                                 line_range const& asked, char const*& failure)
{
    failure = "Debuginfo analysis failed.";
    if (!asked.has_function || asked.has_file)
        return std::nullopt;
    dwarf::elf_symbol symbol;
    if (!dwarf::find_any_symbol(info, unescape(asked.function), symbol) || symbol.value == 0) {
        failure = "Specified source line is not found.";
        return std::nullopt;
    }
    if (symbol.type == STT_GNU_IFUNC)
        std::fprintf(stderr, "Warning: The probe function (%s) is a GNU indirect function.\n"
                             "Consider identifying the final function used at run time and "
                             "set the probe directly on that.\n",
                     asked.function.c_str());
    auto const point = dwarf::find_probe_point(info, symbol.value);
    if (!point || !point->has_function) {
        std::fprintf(stderr, "Failed to find debug information for address %llx\n",
                     static_cast<unsigned long long>(symbol.value));
        return std::nullopt;
    }
    line_range retry = asked;
    retry.function = point->function;
    retry.file = point->file;
    retry.has_file = point->has_file;
    retry.start = point->line + asked.start;
    retry.has_start = true;
    if (asked.has_end)
        retry.end = retry.start + (asked.end - asked.start);
    return retry;
}

} // namespace

int show_lines(std::string const& target, line_range const& asked, std::string const& source)
{
    std::string module;
    auto info = open_target(target, module);
    if (!info) {
        std::fputs("  Error: Failed to show lines.\n", stderr);
        return exit_environment;
    }
    auto listing = dwarf::find_line_range(*info, asked);
    if (!listing) {
        char const* failure = nullptr;
        auto const retry = alternative_line_range(*info, asked, failure);
        if (!retry) {
            std::fprintf(stderr, "%s\n  Error: Failed to show lines.\n", failure);
            return exit_bad_input;
        }
        listing = dwarf::find_line_range(*info, *retry);
        if (!listing) {
            std::fputs("Specified source line is not found.\n  Error: Failed to show lines.\n",
                       stderr);
            return exit_bad_input;
        }
    }
    auto const path = source_path(listing->path, listing->comp_dir, source);
    if (!path) {
        std::fputs("Failed to find source file path.\n  Error: Failed to show lines.\n", stderr);
        return exit_environment;
    }
    return print_line_listing(*listing, *path);
}
#else
int show_lines(std::string const&, line_range const&, std::string const&)
{
    std::fputs("probekit: error: this build cannot read DWARF\n", stderr);
    return exit_environment;
}
#endif

#ifdef PROBEKIT_HAS_LIBDW
// perf finds the point as for a probe (without arguments), then lists per address the
// variables that have a location there: "\t@<FUNCTION+OFFSET>" and "\t\tTYPE\tNAME".
int show_variables(std::string const& target, perf_probe_event event, bool externs,
                   bool ranges)
{
    std::string module;
    auto info = open_target(target, module);
    if (!info) {
        std::fputs("  Error: Failed to show vars.\n", stderr);
        return exit_environment;
    }
    auto const arg_options = dwarf::arg_options_for(*info);
    dwarf::listing_options options{arg_options.arch, arg_options.cfi, externs, ranges};
    std::string blocks;
    dwarf::libdw_resolver resolver(*info, module);
    resolver.set_arg_hook([&](dwarf::arg_site const& site, perf_probe_event const& ev,
                              std::vector<std::string>&)
                              -> result<std::vector<dwarf::fetch_text>> {
        Dwarf_Die buf;
        Dwarf_Die* scope = dwarf::variable_scope(site, ev.point, buf);
        // perf names the block after the DIE when it has an entry pc, else after the ELF
        // symbol libdwfl finds for the address (which, for split functions, can be odd).
        Dwarf_Addr entry = 0;
        char const* name = nullptr;
        if (dwarf_entrypc(site.function, &entry) == 0) {
            name = dwarf::die_name(site.function);
        } else {
            GElf_Sym sym;
            name = dwfl_module_addrsym(info->module(), site.pc, &sym, nullptr);
            entry = sym.st_value;
        }
        std::vector<std::string> entries;
        if (scope)
            if (auto listed = dwarf::available_variables(*scope, *site.cu, site.pc, options,
                                                         site.function))
                entries = std::move(*listed);
        dwarf::append_variable_block(blocks, name ? name : "", site.pc - entry, entries);
        return std::vector<dwarf::fetch_text>{};
    });
    event.args.clear();
    auto const found = resolver.resolve(event);
    if (!found || found->locations.empty() || blocks.empty()) {
        // A name the symbol table has at an address DWARF does not cover (a data object):
        // perf's analysis fails there, with its own words
        for (auto const& line : resolver.diagnostics())
            if (line.starts_with("Failed to find debug information for address ")) {
                std::fprintf(stderr, "%s\nDebuginfo analysis failed.\n"
                                     "  Error: Failed to show vars.\n", line.c_str());
                return exit_bad_input;
            }
        // perf's second try by the symbol table refuses a point with a file
        // (`mq_close@GLIBC_2.3.4` reads as function and file)
        if (event.point.has_function && event.point.has_file && !found) {
            std::fputs("Debuginfo analysis failed.\n  Error: Failed to show vars.\n", stderr);
            return exit_bad_input;
        }
        std::fprintf(stderr, "Failed to find the address of %s\n  Error: Failed to show vars.\n",
                     dwarf::describe_point(event.point).c_str());
        return exit_bad_input;
    }
    std::printf("Available variables at %s\n%s", dwarf::describe_point(event.point).c_str(),
                blocks.c_str());
    return exit_ok;
}
#else
int show_variables(std::string const&, perf_probe_event, bool, bool)
{
    std::fputs("probekit: error: this build cannot read DWARF\n", stderr);
    return exit_environment;
}
#endif


} // namespace probekit::cli
