// The DWARF resolver (elfutils libdw): where perf 6.1 puts a probe, found the way perf's
// probe finder finds it, with perf's faults fixed where docs/perf-6.1-faults.md says so.
//
//   FUNC        every out-of-line instance and every inlined instance, in DIE order per CU
//   FUNC:N      rows of line decl_line(FUNC)+N in the function's file
//   SRC:N       rows of line N in every CU that has a file ending in SRC
//   ...;PTN     rows of the source lines that match the lazy pattern
//   FUNC+N      entry + N;   FUNC%return   entry of each out-of-line instance
//
// Each found address is checked (it must lie in a function; a line must own its address),
// deduplicated, and handed with its scope DIE to the argument hook, which turns the
// command's arguments into fetch arguments at that address.
#pragma once

#include <probekit/dwarf/debuginfo.hpp>
#include <probekit/dwarf/die_walk.hpp>
#include <probekit/dwarf/function_index.hpp>
#include <probekit/dwarf/qualified_name.hpp>
#include <probekit/dwarf/lazy_pattern.hpp>
#include <probekit/dwarf/resolver.hpp>
#include <probekit/dwarf/symbol_lookup.hpp>
#include <probekit/dwarf/symtab_resolver.hpp>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace probekit::dwarf {

/// Where arguments are resolved: the probe address with its scopes.
struct arg_site {
    Dwarf* dwarf = nullptr;
    Dwarf_Die* cu = nullptr;
    Dwarf_Die* function = nullptr; ///< the out-of-line function containing `pc`
    Dwarf_Die* scope = nullptr;    ///< the probed function or inlined instance
    Dwarf_Addr pc = 0;             ///< DWARF address of the probe
    bool retprobe = false;
};

/// Turns the command's arguments into fetch arguments at one site. Messages for the user
/// go to `diagnostics`.
using arg_hook = std::function<result<std::vector<fetch_text>>(
    arg_site const&, perf_probe_event const&, std::vector<std::string>& diagnostics)>;

/// The default hook until DWARF variables are resolved: verbatim arguments pass, C
/// variables are `unsupported`.
inline result<std::vector<fetch_text>> verbatim_args(arg_site const&,
                                                     perf_probe_event const& event,
                                                     std::vector<std::string>& diagnostics)
{
    std::vector<fetch_text> out;
    for (auto const& arg : event.args) {
        if (is_dwarf_argument(arg)) {
            // LIMITATION(L-020): C variables need the argument resolver (issue 6).
            diagnostics.push_back("Failed to find the location of the '" + arg.var +
                                  "' variable at this address.");
            return parse_error{error_kind::unsupported, 0, 0, "",
                               "C variables are not resolved by this build", ""};
        }
        out.push_back(verbatim_fetch(arg));
    }
    return out;
}

/// perf's text of a probe point in messages (`area@demo.c`, `@demo.c:91`).
inline std::string describe_point(probe_point const& p)
{
    std::string out;
    if (p.has_function) {
        out += p.function;
        if (p.offset)
            out += "+" + std::to_string(p.offset);
        if (p.line)
            out += ":" + std::to_string(p.line);
        if (p.retprobe)
            out += "%return";
    }
    if (p.has_file) {
        std::string_view file = p.file;
        if (file.size() > 30) {
            auto const tail = file.substr(file.size() - 30);
            auto const slash = tail.find('/');
            file = slash == std::string_view::npos ? tail : tail.substr(slash + 1);
        }
        out += "@" + std::string(file);
        if (!p.has_function && p.line)
            out += ":" + std::to_string(p.line);
    }
    return out;
}

/// Resolves through DWARF of an open `debuginfo` (which it does not own).
class libdw_resolver {
public:
    libdw_resolver(debuginfo const& info, std::string module)
        : info_(&info), module_(std::move(module)), args_(verbatim_args)
    {
    }

    /// Replaces the argument hook (see `arg_hook`).
    void set_arg_hook(arg_hook hook) { args_ = std::move(hook); }

    bool has_dwarf() const noexcept { return info_->dwarf() != nullptr; }

    result<resolution> resolve(perf_probe_event const& event);

    std::vector<std::string> const& diagnostics() const noexcept { return diagnostics_; }

private:
    struct search;

    result<resolution> resolve_absolute(perf_probe_event const& event);
    result<resolution> resolve_return(perf_probe_event const& event);
    result<resolution> find(perf_probe_event const& event);
    void note_blanks_in_pattern(perf_probe_event const& event);
    result<resolution> find_alternative(perf_probe_event const& event);

    // Built on the first search for a function: a run of many commands pays one walk.
    function_index const& functions()
    {
        if (!functions_)
            functions_.emplace(info_->dwarf());
        return *functions_;
    }

    parse_error not_found(perf_probe_event const& event)
    {
        diagnostics_.push_back("Probe point '" + describe_point(event.point) + "' not found.");
        return parse_error{error_kind::not_found, 0, 0, "", "probe point not found", ""};
    }

    debuginfo const* info_;
    std::string module_;
    arg_hook args_;
    std::vector<std::string> diagnostics_;
    std::optional<function_index> functions_;
};

static_assert(probe_resolver<libdw_resolver>);

// --- the search over the CUs (perf's probe finder) ------------------------------------

/// State of one command's search; mirrors perf's walk so the order of results matches.
struct libdw_resolver::search {
    libdw_resolver& self;
    perf_probe_event const& event;
    std::string function; // unescaped FUNC, empty if none
    std::string file;     // unescaped SRC, empty if none
    std::string lazy;     // unescaped PTN, empty if none
    Dwarf_Die cu{};
    std::string fname;      // the file lines must belong to
    int lno = 0;            // the line searched
    Dwarf_Addr addr = 0;    // the address being added
    std::set<int> lazy_lines;
    bool lazy_read = false;
    resolution out;
    parse_error failure{};
    bool place_found = false; // a function (or, for SRC;PTN, a file) the point names exists

    search(libdw_resolver& owner, perf_probe_event const& e, std::string fn)
        : self(owner), event(e), function(std::move(fn)),
          qualified(!is_glob(function) && is_qualified_name(function)),
          lookup_name(qualified ? unqualified_part(function) : std::string_view(function))
    {
        out.module = owner.module_;
    }

    // F14: `Counter::bump` is looked up as `bump` and matched with the DIE's scopes; it
    // probes every definition in those scopes (overloads too), where perf finds none.
    bool const qualified;
    std::string_view const lookup_name; // into `function`

    auto& diag() { return self.diagnostics_; }

    int fail(error_kind kind, std::string_view message)
    {
        failure = parse_error{kind, 0, 0, "", message, ""};
        return -1;
    }

    bool name_matches(Dwarf_Die* die) const
    {
        if (qualified) {
            char const* name = die_name(die);
            return name != nullptr && lookup_name == name &&
                   names_scope_suffix(qualified_name(die), function);
        }
        auto const matches = [&](char const* name) {
            if (!name)
                return false;
            return is_glob(function) ? glob_match(function, name) : function == name;
        };
        return matches(die_name(die)) || matches(linkage_name(die));
    }

    // --- one address, with its scope (perf: call_probe_finder + add_probe_trace_event) ---
    int add(Dwarf_Die* scope)
    {
        Dwarf_Die real;
        if (is_function_definition(scope)) {
            real = *scope;
        } else if (!find_real_function(&cu, addr, &real)) {
            diag().push_back("Failed to find probe point in any functions.");
            return fail(error_kind::not_found, "the address is in no function");
        }
        for (auto const& loc : out.locations)
            if (loc.vaddr == addr)
                return 0;
        if (dwarf_haspc(&real, addr) <= 0) {
            char const* name = die_name(&real);
            diag().push_back(std::string("Specified offset is out of ") + (name ? name : ""));
            return fail(error_kind::invalid, "the offset is beyond the function");
        }
        if (!has_entry_attribute(&real) && !perf_finds_symbol_at(*self.info_, addr)) {
            char hex[32];
            std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(addr));
            diag().push_back(std::string("Failed to find symbol at 0x") + hex);
            return fail(error_kind::not_found, "no symbol at the address");
        }
        Dwarf_Addr entry = 0;
        if (event.point.retprobe && (!entry_pc(&real, entry) || entry != addr)) {
            diag().push_back("Failed to find \"" + function + "%return\",\n because " +
                             function + " is an inlined function and has no return point.");
            return fail(error_kind::invalid, "an inlined function has no return point");
        }
        arg_site const site{self.info_->dwarf(), &cu, &real, scope, addr, event.point.retprobe};
        auto args = self.args_(site, event, diag());
        if (!args) {
            failure = args.error();
            return -1;
        }
        probe_location loc;
        loc.vaddr = addr;
        loc.address = self.info_->file_offset(addr);
        char const* name = die_name(scope);
        loc.realname = name ? name : "";
        loc.retprobe = event.point.retprobe;
        loc.args = std::move(*args);
        out.locations.push_back(std::move(loc));
        return 0;
    }

    // --- scope of a line address (perf: find_best_scope) ----------------------------------
    bool best_scope(Dwarf_Die* out_die)
    {
        bool found = false;
        int best = INT_MAX;
        bool const stopped = walk_functions_at(&cu, addr, [&](Dwarf_Die& die) {
            if (!fname.empty()) {
                char const* f = decl_file(&die);
                if (!f || fname != f)
                    return false;
            }
            if (!function.empty()) {
                if (name_matches(&die)) {
                    *out_die = die, found = true;
                    return true;
                }
                return false;
            }
            int const l = decl_line(&die);
            if (l < lno && best > lno - l)
                best = lno - l, *out_die = die, found = true;
            return false;
        });
        if (!stopped && !found)
            walk_functions_at(&cu, addr, [&](Dwarf_Die& die) {
                *out_die = die, found = true;
                return true;
            });
        return found;
    }

    // perf refuses a line whose address starts a row of another line (optimised code).
    int check_line_owns_address(char const* file, int line)
    {
        char const* rfile = nullptr;
        int rline = 0;
        if (!line_at(&cu, addr, rfile, rline) || std::string_view(file) != rfile ||
            line == rline)
            return 0;
        diag().push_back("This line is sharing the address with other lines.");
        std::string where = rfile;
        int suggested = rline;
        Dwarf_Die scope;
        if (!function.empty() && best_scope(&scope) && name_matches(&scope)) {
            where = die_name(&scope);
            suggested = rline - decl_line(&scope);
        }
        diag().push_back("Please try to probe at " + where + ":" + std::to_string(suggested) +
                         " instead.");
        return fail(error_kind::not_found, "the line shares its address with another line");
    }

    // The address `addr` of a line, in the scope perf picks for it.
    int add_in_best_scope()
    {
        Dwarf_Die scope;
        if (!best_scope(&scope)) {
            diag().push_back("Failed to find scope of probe point.");
            return fail(error_kind::not_found, "no scope at the line's address");
        }
        return add(&scope);
    }

    int probe_line(Dwarf_Die* root)
    {
        int rc = 0;
        walk_lines(root, [&](char const* f, int line, Dwarf_Addr a) {
            if (line != lno || !tail_equal(f, fname))
                return false;
            addr = a;
            if ((rc = check_line_owns_address(f, line)) < 0)
                return true;
            rc = add_in_best_scope();
            return rc < 0;
        });
        return rc;
    }

    // --- lazy patterns --------------------------------------------------------------------
    int read_lazy_lines()
    {
        lazy_read = true;
        Dwarf_Attribute attr;
        char const* comp_dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));
        std::string path = fname;
        if (!fname.empty() && fname.front() != '/' && comp_dir)
            path = std::string(comp_dir) + "/" + fname;
        std::ifstream in(path);
        if (!in || access(path.c_str(), R_OK) != 0) {
            diag().push_back("Failed to find source file path.");
            return fail(error_kind::not_found, "the source file is not readable");
        }
        std::string text;
        for (int number = 1; std::getline(in, text); ++number)
            if (lazy_match(text, lazy))
                lazy_lines.insert(number);
        return 0;
    }

    int probe_lazy(Dwarf_Die* root)
    {
        if (!lazy_read && read_lazy_lines() < 0)
            return -1;
        if (lazy_lines.empty())
            return 0;
        int rc = 0;
        walk_lines(root, [&](char const* f, int line, Dwarf_Addr a) {
            if (!lazy_lines.count(line) || !tail_equal(f, fname))
                return false;
            addr = a;
            lno = line;
            rc = add_in_best_scope();
            return rc < 0;
        });
        return rc;
    }

    // --- functions ------------------------------------------------------------------------
    // perf skips the prologue of an unoptimised function when C variables are read at
    // its entry: the probe goes to the first row after the entry's source line.
    void skip_prologue(Dwarf_Die* function_die)
    {
        auto const& p = event.point;
        if (p.line || p.retprobe || p.has_lazy || p.offset || !needs_variables(event) ||
            is_optimized(&cu) || addr == 0)
            return;
        self.diagnostics_.push_back(
            "Target program is compiled without optimization. Skipping prologue.");
        char hex[32];
        std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(addr));
        self.diagnostics_.push_back(std::string("Probe on address 0x") + hex +
                                    " to force probing at the function entry.\n");
        Dwarf_Addr high = 0;
        Dwarf_Lines* lines = nullptr;
        std::size_t count = 0;
        if (dwarf_highpc(function_die, &high) != 0 || dwarf_getsrclines(&cu, &lines, &count))
            return;
        std::size_t first = 0;
        Dwarf_Addr a = 0;
        while (first < count && !(dwarf_lineaddr(dwarf_onesrcline(lines, first), &a) == 0 &&
                                  a == addr))
            ++first;
        if (first == count)
            return;
        int entry_line = 0;
        dwarf_lineno(dwarf_onesrcline(lines, first), &entry_line);
        std::size_t i = first;
        for (; i < count; ++i) {
            Dwarf_Line* row = dwarf_onesrcline(lines, i);
            int line = 0;
            bool prologue_end = false;
            dwarf_lineaddr(row, &a);
            dwarf_lineno(row, &line);
            dwarf_lineprologueend(row, &prologue_end);
            if (a >= high || prologue_end || line != entry_line || i != first)
                break;
        }
        std::size_t const pick = i < count ? i : count - 1;
        dwarf_lineaddr(dwarf_onesrcline(lines, pick), &a);
        if (a >= high && pick > 0)
            dwarf_lineaddr(dwarf_onesrcline(lines, pick - 1), &a);
        addr = a;
    }

    int probe_instance(Dwarf_Die* in)
    {
        if (!lazy.empty())
            return probe_lazy(in);
        Dwarf_Addr entry = 0;
        if (!entry_pc(in, entry) || entry == 0)
            return 1; // no code: not an error, perf skips it
        if (event.point.retprobe && dwarf_tag(in) == DW_TAG_inlined_subroutine)
            return 0; // F13: a return probe only goes where the function really returns
        addr = entry + event.point.offset;
        return add(in);
    }

    // perf: probe_point_search_cb. Returns false to stop walking this CU's functions.
    bool on_function(Dwarf_Die& sp, int& rc)
    {
        if (!is_function_definition(&sp) || !name_matches(&sp))
            return true;
        // dwarf_decl_file reads the CU's whole line table (glibc: 8 MB over the corpus),
        // and a probe on the entry needs no file
        bool const needs_file = !file.empty() || event.point.line || !lazy.empty();
        char const* dfile = needs_file ? decl_file(&sp) : nullptr;
        if (!file.empty() && (!dfile || !tail_equal(file, dfile)))
            return true;
        fname = dfile ? dfile : "";
        place_found = true;
        if (event.point.line) {
            lno = decl_line(&sp) + static_cast<int>(event.point.line);
            rc = probe_line(&cu);
        } else if (is_function_instance(&sp)) {
            entry_pc(&sp, addr);
            if (addr == 0) {
                rc = 0;
            } else if (!lazy.empty()) {
                rc = probe_lazy(&sp);
            } else {
                skip_prologue(&sp);
                addr += event.point.offset;
                rc = add(&sp);
            }
        } else {
            int status = 1;
            walk_instances(&sp, [&](Dwarf_Die& in) {
                status = probe_instance(&in);
                return status < 0;
            });
            // perf: an instance that is "not found" (ENOENT) ends the walk of this
            // function's instances, keeping the probes found before it, and is no error.
            rc = status < 0 && failure.kind != error_kind::not_found ? status : 0;
        }
        // LIMITATION(L-020): a plain name stops at its first definition in a CU, as perf.
        return (is_glob(function) || qualified) && rc >= 0;
    }

    // One CU's functions (perf: find_probe_point_by_func); false once the search stops.
    template <typename Walk>
    bool run_on_unit(int& rc, Walk&& walk_functions)
    {
        fname.clear();
        if (!file.empty() && !find_cu_file(&cu, file, fname))
            return true;
        walk_functions([&](Dwarf_Die& sp) {
            bool const more = on_function(sp, rc);
            return more && rc >= 0;
        });
        return rc >= 0;
    }

    // A plain name: only its definitions, in CU and DIE order (perf walks every function
    // of every CU, and finds no others). A glob: every CU.
    int run_on_functions()
    {
        int rc = 0;
        if (!is_glob(function)) {
            self.functions().for_each_unit(lookup_name, [&](Dwarf_Die& unit, auto functions) {
                cu = unit;
                return run_on_unit(rc, [&](auto&& on) {
                    for (Dwarf_Die& sp : functions)
                        if (!on(sp))
                            return;
                });
            });
            return rc < 0 ? rc : 0;
        }
        Dwarf* dw = self.info_->dwarf();
        Dwarf_Off off = 0, next = 0;
        std::size_t header = 0;
        for (; dwarf_nextcu(dw, off, &next, &header, nullptr, nullptr, nullptr) == 0; off = next) {
            if (!dwarf_offdie(dw, off + header, &cu))
                continue;
            auto const all = [&](auto&& on) {
                for_each_function(&cu, [&](Dwarf_Die& sp) { return on(sp); });
            };
            if (!run_on_unit(rc, all))
                break;
        }
        return rc < 0 ? rc : 0;
    }

    int run()
    {
        if (!function.empty())
            return run_on_functions();
        Dwarf* dw = self.info_->dwarf();
        Dwarf_Off off = 0, next = 0;
        std::size_t header = 0;
        int rc = 0;
        while (dwarf_nextcu(dw, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
            Dwarf_Off const here = off;
            off = next;
            if (!dwarf_offdie(dw, here + header, &cu))
                continue;
            fname.clear();
            if (!file.empty() && !find_cu_file(&cu, file, fname))
                continue;
            place_found = true;
            if (!lazy.empty()) {
                rc = probe_lazy(&cu);
            } else {
                lno = static_cast<int>(event.point.line);
                rc = probe_line(&cu);
            }
            if (rc < 0)
                return rc;
        }
        return 0;
    }
};

// --- the public steps ------------------------------------------------------------------

inline result<resolution> libdw_resolver::resolve(perf_probe_event const& event)
{
    diagnostics_.clear();
    auto const& point = event.point;
    if (point.is_address)
        return resolve_absolute(event);
    if (!has_dwarf()) {
        symtab_resolver symbols(*info_, module_);
        auto r = symbols.resolve(event);
        for (auto const& d : symbols.diagnostics())
            diagnostics_.push_back(d);
        return r;
    }
    if (point.retprobe)
        return resolve_return(event);
    return find(event);
}

inline result<resolution> libdw_resolver::resolve_absolute(perf_probe_event const& event)
{
    probe_location loc;
    loc.vaddr = loc.address = event.point.address;
    char name[32];
    std::snprintf(name, sizeof name, "abs_%llx",
                  static_cast<unsigned long long>(event.point.address));
    loc.realname = name;
    loc.retprobe = event.point.retprobe;
    for (auto const& arg : event.args) {
        if (is_dwarf_argument(arg))
            return parse_error{error_kind::unsupported, 0, 0, "",
                               "C variables at an absolute address are not supported", ""};
        loc.args.push_back(verbatim_fetch(arg));
    }
    return resolution{module_, {std::move(loc)}};
}

// F13: perf 6.1 takes %return from the symbol table only. probekit gives perf's answer
// wherever perf has one (the symbol table has FUNC and no @SRC is given: DWARF would add
// clones such as getanswer_r.constprop.0, which perf does not probe), and the DWARF one
// where perf finds nothing or ignores @SRC (names the symbol table lacks, C++ names).
// DWARF is searched first in any case: the argument hook sees its sites (-V lists them).
inline result<resolution> libdw_resolver::resolve_return(perf_probe_event const& event)
{
    auto found = find(event);
    if (!event.point.has_file) {
        symtab_resolver symbols(*info_, module_);
        if (auto r = symbols.resolve(event); r || r.error().kind == error_kind::invalid) {
            diagnostics_ = symbols.diagnostics();
            return r;
        }
    }
    if (found && !found->locations.empty())
        return found;
    if (!found && found.error().kind != error_kind::not_found)
        return found;
    diagnostics_.clear();
    symtab_resolver symbols(*info_, module_);
    auto r = symbols.resolve(event);
    for (auto const& d : symbols.diagnostics())
        diagnostics_.push_back(d);
    return r;
}

inline result<resolution> libdw_resolver::find(perf_probe_event const& event)
{
    search s(*this, event, event.point.has_function ? unescape(event.point.function) : "");
    s.file = event.point.has_file ? unescape(event.point.file) : "";
    s.lazy = event.point.has_lazy ? unescape(event.point.lazy) : "";
    if (s.run() < 0)
        return s.failure;
    if (!s.out.locations.empty())
        return std::move(s.out);

    // F4: an unmatched lazy pattern is an error, not the function's entry; a function or
    // file that does not exist is "not found", as in perf.
    if (event.point.has_lazy && s.place_found) {
        diagnostics_.push_back("No line matches the lazy pattern '" + s.lazy + "' in " +
                               (s.file.empty() ? s.function : s.file) + ".");
        note_blanks_in_pattern(event);
        return parse_error{error_kind::not_found, 0, 0, "", "no line matches the pattern", ""};
    }
    // perf tries the symbol table only for a plain FUNC without @SRC.
    if (event.point.has_function && !event.point.has_file && !is_glob(s.function))
        return find_alternative(event);
    return not_found(event);
}

// F5: a blank ends the point, so `area;a = *` is the pattern `a` and the arguments `=` and
// `*`. When such a pattern matches nothing, name the tokens that were probably meant to be
// part of it (arguments that are no C variable, register or fetch).
inline void libdw_resolver::note_blanks_in_pattern(perf_probe_event const& event)
{
    std::string stray, joined;
    for (auto const& arg : event.args) {
        std::string_view const var = arg.var;
        if (!var.empty() && var.find_first_of("*=+;") != 0)
            break; // a real argument: what follows is no pattern
        std::string const token = (arg.has_name ? std::string(arg.name) + "=" : "") +
                                  std::string(var);
        stray += (stray.empty() ? "'" : " '") + token + "'";
        joined += token;
    }
    if (stray.empty())
        return;
    diagnostics_.push_back("A blank ends the lazy pattern: " + stray +
                           (stray.find(' ') != std::string::npos ? " were" : " was") +
                           " taken as arguments. Write the pattern without blanks (they are "
                           "ignored when matching): ';" + unescape(event.point.lazy) + joined +
                           "'.");
}

// perf's "alternative probe point": the name is only in the symbol table (an alias like
// `malloc`); map its address to the DWARF function there and search again, keeping the
// user's offset and line.
inline result<resolution> libdw_resolver::find_alternative(perf_probe_event const& event)
{
    auto const not_found = [&] { return this->not_found(event); };
    elf_symbol sym;
    if (!find_any_symbol(*info_, unescape(event.point.function), sym) || sym.value == 0)
        return not_found();
    Dwarf_Die cu;
    if (!dwarf_addrdie(info_->dwarf(), sym.value, &cu)) {
        char hex[32];
        std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(sym.value));
        diagnostics_.push_back(std::string("Failed to find debug information for address ") +
                               hex);
        return not_found();
    }
    Dwarf_Die real;
    Dwarf_Addr entry = 0;
    char const* name = nullptr;
    if (!find_real_function(&cu, sym.value, &real) || !(name = die_name(&real)) ||
        !entry_pc(&real, entry))
        return not_found();

    perf_probe_event retry = event;
    retry.point.function = name;
    retry.point.has_file = false;
    retry.point.file.clear();
    retry.point.offset += sym.value - entry;
    search s(*this, retry, name);
    if (s.run() < 0)
        return s.failure;
    if (s.out.locations.empty())
        return not_found();
    return std::move(s.out);
}

} // namespace probekit::dwarf
