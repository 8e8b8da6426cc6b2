// Walks over DWARF DIEs and line tables the way perf's probe finder does, so that the
// addresses come out in perf's order: functions in DIE order within each CU, inline
// instances in DIE order within their CU, line rows in line-table order followed by the
// function-entry and call-site "lines" that the line table does not carry.
#pragma once

#include <elfutils/libdw.h>
#include <dwarf.h>

#include <cstring>
#include <string>
#include <string_view>

namespace probekit::dwarf {

/// What a DIE visitor wants next.
enum class visit { stop, into_children, to_sibling, both };

/// Pre-order walk under `root` (its children, then theirs). `f(Dwarf_Die&)` returns a
/// `visit`; on `stop` the DIE is copied into `found` and the walk returns true.
template <typename F>
bool find_child(Dwarf_Die* root, F& f, Dwarf_Die* found)
{
    Dwarf_Die die;
    if (dwarf_child(root, &die) != 0)
        return false;
    do {
        visit const next = f(die);
        if (next == visit::stop) {
            *found = die;
            return true;
        }
        if ((next == visit::into_children || next == visit::both) && find_child(&die, f, found))
            return true;
        if (next == visit::into_children)
            return false;
    } while (dwarf_siblingof(&die, &die) == 0);
    return false;
}

/// Calls `f(Dwarf_Die&)` for each function DIE of a CU (libdw's own order); `f` returns
/// false to stop.
template <typename F>
void for_each_function(Dwarf_Die* cu, F&& f)
{
    auto const trampoline = [](Dwarf_Die* die, void* arg) -> int {
        return (*static_cast<F*>(arg))(*die) ? DWARF_CB_OK : DWARF_CB_ABORT;
    };
    dwarf_getfuncs(cu, trampoline, &f, 0);
}

inline char const* die_name(Dwarf_Die* die) noexcept { return dwarf_diename(die); }

inline char const* linkage_name(Dwarf_Die* die) noexcept
{
    Dwarf_Attribute attr;
    if (!dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) &&
        !dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
        return nullptr;
    return dwarf_formstring(&attr);
}

/// The entry address: DW_AT_entry_pc / DW_AT_low_pc, else the start of the first range.
inline bool entry_pc(Dwarf_Die* die, Dwarf_Addr& addr) noexcept
{
    if (dwarf_entrypc(die, &addr) == 0)
        return true;
    Dwarf_Attribute attr;
    if (!dwarf_attr(die, DW_AT_ranges, &attr))
        return false;
    Dwarf_Addr base = 0, end = 0;
    return dwarf_ranges(die, 0, &base, &addr, &end) > 0;
}

/// Has the DIE an entry address of its own (DW_AT_entry_pc or DW_AT_low_pc)? A function
/// split by DW_AT_ranges has none, which changes how perf names its probes.
inline bool has_entry_attribute(Dwarf_Die* die) noexcept
{
    Dwarf_Attribute attr;
    Dwarf_Addr addr = 0;
    return dwarf_formaddr(dwarf_attr(die, DW_AT_entry_pc, &attr), &addr) == 0 ||
           dwarf_formaddr(dwarf_attr(die, DW_AT_low_pc, &attr), &addr) == 0;
}

/// A subprogram that is a definition (not a declaration).
inline bool is_function_definition(Dwarf_Die* die) noexcept
{
    Dwarf_Attribute attr;
    return dwarf_tag(die) == DW_TAG_subprogram && !dwarf_attr(die, DW_AT_declaration, &attr);
}

/// A function with code of its own (not an abstract inline origin).
inline bool is_function_instance(Dwarf_Die* die) noexcept
{
    Dwarf_Addr pc = 0;
    Dwarf_Attribute attr;
    return dwarf_func_inline(die) == 0 &&
           (dwarf_entrypc(die, &pc) == 0 || dwarf_attr(die, DW_AT_ranges, &attr) != nullptr);
}

inline int udata_attr(Dwarf_Die* die, unsigned name, int fallback = -1) noexcept
{
    Dwarf_Attribute attr;
    Dwarf_Word value = 0;
    if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &value) != 0)
        return fallback;
    return static_cast<int>(value);
}

inline int decl_line(Dwarf_Die* die) noexcept
{
    int line = 0;
    dwarf_decl_line(die, &line);
    return line;
}

inline char const* decl_file(Dwarf_Die* die) noexcept { return dwarf_decl_file(die); }

/// The file an inlined instance is called from.
inline char const* call_file(Dwarf_Die* inlined) noexcept
{
    int const index = udata_attr(inlined, DW_AT_call_file);
    Dwarf_Die cu;
    Dwarf_Files* files = nullptr;
    if (index < 0 || !dwarf_diecu(inlined, &cu, nullptr, nullptr) ||
        dwarf_getsrcfiles(&cu, &files, nullptr) != 0)
        return nullptr;
    return dwarf_filesrc(files, static_cast<std::size_t>(index), nullptr, nullptr);
}

inline int call_line(Dwarf_Die* inlined) noexcept
{
    return udata_attr(inlined, DW_AT_call_line);
}

/// perf's `strtailcmp`: two paths are "equal" when the shorter is a tail of the longer
/// (`demo.c` matches `/src/demo.c`, and also `o.c`).
inline bool tail_equal(std::string_view a, std::string_view b) noexcept
{
    std::size_t const n = a.size() < b.size() ? a.size() : b.size();
    return a.substr(a.size() - n) == b.substr(b.size() - n);
}

/// perf's `cu_find_realpath`: the CU's source file whose path ends with `tail`.
inline bool find_cu_file(Dwarf_Die* cu, std::string_view tail, std::string& out)
{
    Dwarf_Files* files = nullptr;
    std::size_t count = 0;
    if (dwarf_getsrcfiles(cu, &files, &count) != 0)
        return false;
    for (std::size_t i = 0; i < count; ++i) {
        char const* src = dwarf_filesrc(files, i, nullptr, nullptr);
        if (src && tail_equal(src, tail)) {
            out = src;
            return true;
        }
    }
    return false;
}

/// The out-of-line function of a CU whose code contains `addr`.
inline bool find_real_function(Dwarf_Die* cu, Dwarf_Addr addr, Dwarf_Die* out)
{
    bool found = false;
    for_each_function(cu, [&](Dwarf_Die& die) {
        if (dwarf_tag(&die) == DW_TAG_subprogram && dwarf_haspc(&die, addr) > 0) {
            *out = die;
            found = true;
            return false;
        }
        return true;
    });
    return found;
}

/// The outermost inlined instance under `scope` whose code contains `addr`.
inline bool find_top_inline(Dwarf_Die* scope, Dwarf_Addr addr, Dwarf_Die* out)
{
    auto f = [addr](Dwarf_Die& die) {
        if (dwarf_tag(&die) == DW_TAG_inlined_subroutine && dwarf_haspc(&die, addr) > 0)
            return visit::stop;
        return visit::both;
    };
    return find_child(scope, f, out);
}

/// The innermost inlined instance under `scope` whose code contains `addr`.
inline bool find_inline(Dwarf_Die* scope, Dwarf_Addr addr, Dwarf_Die* out)
{
    Dwarf_Die current;
    if (!find_top_inline(scope, addr, &current))
        return false;
    Dwarf_Die inner;
    while (find_top_inline(&current, addr, &inner))
        current = inner;
    *out = current;
    return true;
}

/// Calls `f(Dwarf_Die&)` for the function containing `addr`, then for each inlined
/// instance nested around `addr`, outermost first; `f` returns true to stop.
template <typename F>
bool walk_functions_at(Dwarf_Die* cu, Dwarf_Addr addr, F&& f)
{
    Dwarf_Die scope;
    if (!find_real_function(cu, addr, &scope))
        return false;
    while (true) {
        if (f(scope))
            return true;
        Dwarf_Die inner;
        if (!find_top_inline(&scope, addr, &inner))
            return false;
        scope = inner;
    }
}

/// Calls `f(Dwarf_Die&)` for each instance (inlined or out-of-line) of the abstract
/// function `origin`, in DIE order of its CU; `f` returns true to stop.
template <typename F>
void walk_instances(Dwarf_Die* origin, F&& f)
{
    Dwarf_Die cu;
    if (!dwarf_diecu(origin, &cu, nullptr, nullptr))
        return;
    int const origin_line = decl_line(origin);
    int const origin_file = udata_attr(origin, DW_AT_decl_file);
    auto visitor = [&](Dwarf_Die& die) {
        Dwarf_Attribute attr;
        Dwarf_Die target;
        if (!is_function_instance(&die) || !dwarf_attr(&die, DW_AT_abstract_origin, &attr) ||
            !dwarf_formref_die(&attr, &target) || target.addr != origin->addr)
            return visit::both;
        // An inlined copy "called" from the origin's own declaration is a redundant one.
        if (dwarf_tag(&die) == DW_TAG_inlined_subroutine && call_line(&die) == origin_line &&
            udata_attr(&die, DW_AT_call_file) == origin_file)
            return visit::both;
        return f(die) ? visit::stop : visit::both;
    };
    Dwarf_Die found;
    find_child(&cu, visitor, &found);
}

/// Calls `f(file, line, addr)` for the entry of `function` (its declaration line) and,
/// if `nested`, for each inlined call site below it; `f` returns true to stop.
template <typename F>
bool walk_function_lines(Dwarf_Die* function, bool nested, F& f)
{
    Dwarf_Addr addr = 0;
    char const* file = decl_file(function);
    int line = 0;
    if (file && dwarf_decl_line(function, &line) == 0 && dwarf_entrypc(function, &addr) == 0 &&
        f(file, line, addr))
        return true;
    bool stopped = false;
    auto visitor = [&](Dwarf_Die& die) {
        Dwarf_Addr entry = 0;
        if (dwarf_tag(&die) == DW_TAG_inlined_subroutine) {
            char const* cfile = call_file(&die);
            int const cline = call_line(&die);
            if (cfile && cline > 0 && entry_pc(&die, entry) && f(cfile, cline, entry)) {
                stopped = true;
                return visit::stop;
            }
            if (!nested)
                return visit::to_sibling;
        }
        char const* dfile = entry ? decl_file(&die) : nullptr;
        int dline = 0;
        if (dfile && dwarf_decl_line(&die, &dline) == 0 && f(dfile, dline, entry)) {
            stopped = true;
            return visit::stop;
        }
        return visit::both;
    };
    Dwarf_Die found;
    find_child(function, visitor, &found);
    return stopped;
}

/// Calls `f(file, line, addr)` for each statement row of the line table inside `root` (a
/// CU, a function or an inlined instance), then for the entry/call-site lines.
/// Rows of a function that belong to a nested inlined instance are left out, unless
/// they are that instance's call line. `f` returns true to stop.
template <typename F>
bool walk_lines(Dwarf_Die* root, F&& f)
{
    bool const is_cu = dwarf_tag(root) == DW_TAG_compile_unit ||
                       dwarf_tag(root) == DW_TAG_partial_unit;
    Dwarf_Die cu_mem;
    Dwarf_Die* cu = is_cu ? root : dwarf_diecu(root, &cu_mem, nullptr, nullptr);
    if (!cu)
        return false;
    int const root_line = is_cu ? 0 : decl_line(root);
    char const* root_file = is_cu ? nullptr : decl_file(root);

    Dwarf_Lines* lines = nullptr;
    std::size_t count = 0;
    if (dwarf_getsrclines(cu, &lines, &count) != 0)
        return false;
    for (std::size_t i = 0; i < count; ++i) {
        Dwarf_Line* row = dwarf_onesrcline(lines, i);
        int line = 0;
        Dwarf_Addr addr = 0;
        bool flag = false;
        if (!row || dwarf_lineno(row, &line) != 0 || dwarf_lineaddr(row, &addr) != 0)
            continue;
        if (dwarf_lineendsequence(row, &flag) != 0 || flag)
            continue;
        if (dwarf_linebeginstatement(row, &flag) != 0 || !flag)
            continue;
        if (!is_cu) {
            if (dwarf_haspc(root, addr) <= 0)
                continue;
            Dwarf_Die inl;
            if (find_inline(root, addr, &inl)) {
                char const* cfile = call_file(&inl);
                bool const call_site = cfile && root_file && std::strcmp(cfile, root_file) == 0 &&
                                       call_line(&inl) == line;
                if (!call_site && (decl_line(&inl) != root_line || decl_file(&inl) != root_file))
                    continue;
            }
        }
        char const* file = dwarf_linesrc(row, nullptr, nullptr);
        if (file && f(file, line, addr))
            return true;
    }

    if (!is_cu)
        return walk_function_lines(root, false, f);
    bool stopped = false;
    for_each_function(cu, [&](Dwarf_Die& function) {
        stopped = walk_function_lines(&function, true, f);
        return !stopped;
    });
    return stopped;
}

/// The line perf 6.1 reports for `addr` (its `cu_find_lineinfo`): a function's entry is
/// its declaration line; otherwise the first statement row among the rows at (or, when
/// none starts there, just before) `addr`.
inline bool line_at(Dwarf_Die* cu, Dwarf_Addr addr, char const*& file, int& line)
{
    Dwarf_Die function;
    Dwarf_Addr entry = 0;
    if (find_real_function(cu, addr, &function) && entry_pc(&function, entry) && entry == addr) {
        file = decl_file(&function);
        line = decl_line(&function);
        return file && line;
    }
    Dwarf_Lines* lines = nullptr;
    std::size_t count = 0;
    if (dwarf_getsrclines(cu, &lines, &count) != 0 || count == 0)
        return false;
    auto const address = [&](std::size_t i) {
        Dwarf_Addr a = 0;
        dwarf_lineaddr(dwarf_onesrcline(lines, i), &a);
        return a;
    };
    // The last row at or before addr, then back to the first row at that same address.
    std::size_t lo = 0, hi = count - 1;
    while (lo < hi) {
        std::size_t const mid = hi - (hi - lo) / 2;
        if (addr < address(mid))
            hi = mid - 1;
        else
            lo = mid;
    }
    while (lo > 0 && address(lo - 1) == addr)
        --lo;
    for (; lo < count; ++lo) {
        Dwarf_Line* row = dwarf_onesrcline(lines, lo);
        bool stmt = false;
        if (address(lo) > addr || dwarf_linebeginstatement(row, &stmt) != 0)
            return false;
        if (stmt) {
            line = 0;
            dwarf_lineno(row, &line);
            file = dwarf_linesrc(row, nullptr, nullptr);
            return file && line;
        }
    }
    return false;
}

/// Was the CU compiled with optimisation? perf's test: some variable of it has a
/// location list.
inline bool is_optimized(Dwarf_Die* cu)
{
    auto f = [](Dwarf_Die& die) {
        int const tag = dwarf_tag(&die);
        Dwarf_Attribute attr;
        if ((tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) &&
            dwarf_attr_integrate(&die, DW_AT_location, &attr) &&
            (dwarf_whatform(&attr) == DW_FORM_sec_offset ||
             dwarf_whatform(&attr) == DW_FORM_loclistx))
            return visit::stop;
        return visit::both;
    };
    Dwarf_Die found;
    return find_child(cu, f, &found);
}

} // namespace probekit::dwarf
