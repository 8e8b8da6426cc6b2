// The trace-command grammar: lines of uprobe_events / kprobe_events / dynamic_events.
//
//   Line:   ("p" | "r"[MAXACT] | "f"[MAXACT] | "t" | "e") [":" [GROUP "/"] [EVENT]] PLACE {ARG}
//         | "-:" [GROUP "/"] EVENT [PLACE {ARG}]
//   PLACE:  PATH ":" OFFS ["%return"] ["(" REFCTR ")"]      uprobe
//         | [MOD ":"] SYM ["+" OFFS] ["%return"] | ADDR     kprobe
//         | SYM ["%return"]   |   TRACEPOINT   |   SYS "/" EVENT ["if" FILTER]
//   ARG:    [NAME "="] FETCH [":" TYPE]
//   FETCH:  "%" REG | "@" ADDR | "@+" OFFS | "@" SYM [("+"|"-") OFFS] | "$stack"[N] | "$retval"
//         | "$comm" | "$arg" N | ("+"|"-")["u"] OFFS "(" FETCH ")" | "\" IMM | "\"" STR "\""
//         | BTF-EXPR (kernel probes at function entry or exit)
//   TYPE:   ("u"|"s"|"x") ("8"|"16"|"32"|"64") | "char" | "string" | "ustring" | "symbol"
//         | "symstr" | "%pd" | "%pD" | "b" W "@" O "/" C,   each optionally "[" N "]"
//
//   e.g.  p:grp/ev /bin/app:0x115d x=+0(-24(%bp)):s32     r100 vfs_read $retval
//         e:ep syscalls/sys_enter_openat file=+0($filename):ustring
//
// The kernel does not parse these lines with a grammar: it splits them on blanks and cuts
// each word with strchr()/strrchr() (the first ':' of an argument starts its type, the last
// ')' closes a dereference, text after it is ignored). Error positions and the order of the
// checks follow from those cuts, and matching the kernel's caret is a requirement, so the
// driver below makes the same cuts, in the same order. The open-ended pieces (kernel
// symbols, module names, BTF expressions) are X3 grammars; the closed sets (registers,
// types) are switches over packed names, and numbers are read as kstrtoul()/kstrtol() read
// them. Nothing allocates, not even on first use: text is kept as views, args and
// dereferences go into the sink's storage. Words are scanned once (16 bytes at a time with
// SSE2; a line's last 16 bytes from a copy padded with blanks), noting where their '=',
// ':', '/', '(' and '%' are, so the later cuts need no second scan. Most arguments have
// one of three shapes (`fd=%di:s32`, `n=+24(%di):x64`, `$retval`): those are scanned and
// checked in one pass (parse_plain_arg()), and any word that is not, or fails a check,
// goes the long way, which alone reports errors.
#pragma once

#include <probekit/grammar/failure.hpp> // X3, set up for -fno-rtti builds too
#include <probekit/grammar/trace_probe.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstdint>
#include <cstring>
#include <limits>

namespace probekit::grammar::trace {

namespace x3 = boost::spirit::x3;

// --- kernel limits (kernel/trace/trace_probe.h, 6.x) --------------------------------------
inline constexpr std::size_t max_trace_args = 128;    // MAX_TRACE_ARGS
inline constexpr std::size_t max_argstr_len = 63;     // MAX_ARGSTR_LEN
inline constexpr std::size_t max_arg_name_len = 32;   // MAX_ARG_NAME_LEN
inline constexpr std::size_t max_event_name_len = 64; // MAX_EVENT_NAME_LEN (with the NUL)
inline constexpr std::uint64_t max_array_len = 64;    // MAX_ARRAY_LEN
inline constexpr std::uint64_t maxactive_max = 4096;  // KRETPROBE_MAXACTIVE_MAX
inline constexpr std::uint64_t param_max_stack = 2048; // THREAD_SIZE / sizeof(long), x86_64
inline constexpr int fetch_insn_slots = 15;           // FETCH_INSN_MAX - 1 (the END slot)

// --- numbers as the kernel's kstrto*() read them -----------------------------------------
/// Digit values as kstrto*() read them: 0-9, then a-f and A-F as 10-15; 0xff otherwise.
inline constexpr auto digit_table = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
        int const lower = c | 0x20;
        table[c] = c >= '0' && c <= '9'           ? std::uint8_t(c - '0')
                   : lower >= 'a' && lower <= 'f' ? std::uint8_t(lower - 'a' + 10)
                                                  : std::uint8_t(0xff);
    }
    return table;
}();

inline unsigned digit_value(char c) noexcept { return digit_table[static_cast<unsigned char>(c)]; }

/// kstrtoull(s, base): an optional '+', then digits of `base` (0: "0x" hex, "0" octal,
/// else decimal) up to the end; nothing else, no overflow.
inline bool kstrtoull(std::string_view s, unsigned base, std::uint64_t& out) noexcept
{
    std::size_t i = 0;
    if (i < s.size() && s[i] == '+')
        ++i;
    if (base == 0 || base == 16) {
        if (i + 2 < s.size() && s[i] == '0' && (s[i + 1] | 0x20) == 'x' &&
            digit_value(s[i + 2]) < 16) {
            base = 16;
            i += 2;
        } else if (base == 0) {
            base = (i < s.size() && s[i] == '0') ? 8 : 10;
        }
    }
    if (i == s.size())
        return false;
    // This many digits cannot overflow 64 bits, so they need no overflow checks; every
    // number of a real line is that short. Hex (addresses, offsets) has a loop of its own.
    std::size_t const safe_digits = base == 16 ? 16 : base == 10 ? 19 : 21;
    std::uint64_t value = 0;
    if (s.size() - i > safe_digits) {
        for (; i < s.size(); ++i) {
            unsigned const digit = digit_value(s[i]);
            if (digit >= base || __builtin_mul_overflow(value, std::uint64_t{base}, &value) ||
                __builtin_add_overflow(value, std::uint64_t{digit}, &value))
                return false;
        }
    } else if (base == 16) {
        for (; i < s.size(); ++i) {
            unsigned const digit = digit_value(s[i]);
            if (digit >= 16)
                return false;
            value = value << 4 | digit;
        }
    } else {
        for (; i < s.size(); ++i) {
            unsigned const digit = digit_value(s[i]);
            if (digit >= base)
                return false;
            value = value * base + digit;
        }
    }
    out = value;
    return true;
}

/// kstrtoll(s, 0): a '-' and a kstrtoull() magnitude, within the range of a long.
inline bool kstrtoll(std::string_view s, std::int64_t& out) noexcept
{
    std::uint64_t magnitude = 0;
    if (!s.empty() && s[0] == '-') {
        // after the '-' the kernel reads digits only (no second sign)
        if ((s.size() > 1 && s[1] == '+') || !kstrtoull(s.substr(1), 0, magnitude) ||
            magnitude > std::uint64_t(std::numeric_limits<std::int64_t>::max()) + 1)
            return false;
        out = static_cast<std::int64_t>(0 - magnitude);
        return true;
    }
    if (!kstrtoull(s, 0, magnitude) ||
        magnitude > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
        return false;
    out = static_cast<std::int64_t>(magnitude);
    return true;
}

/// simple_strtoul(s, &tail, 0): the longest run of digits; `used` is how many chars.
inline std::uint64_t simple_strtoul(std::string_view s, std::size_t& used) noexcept
{
    unsigned base = 10;
    std::size_t i = 0;
    if (s.size() >= 3 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
        ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f'))) {
        base = 16;
        i = 2;
    } else if (!s.empty() && s[0] == '0') {
        base = 8;
    }
    std::uint64_t value = 0;
    for (; i < s.size(); ++i) {
        unsigned const c = static_cast<unsigned char>(s[i]);
        unsigned digit = 99;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            digit = (c | 0x20) - 'a' + 10;
        if (digit >= base)
            break;
        value = value * base + digit;
    }
    used = i;
    return value;
}

inline constexpr bool is_digit_char(char c) noexcept { return c >= '0' && c <= '9'; }

/// `s.find(c, from)` for the short pieces of a word, where a call to memchr costs more
/// than the search.
inline std::size_t find_in(std::string_view s, char c, std::size_t from = 0) noexcept
{
    for (std::size_t i = from; i < s.size(); ++i)
        if (s[i] == c)
            return i;
    return std::string_view::npos;
}

// --- X3 parsers for the pieces ------------------------------------------------------------
/// Runs `p` over all of `s`; true only if it matched every byte.
template <typename Parser, typename Attribute>
bool matches_all(std::string_view s, Parser const& p, Attribute& attr)
{
    char const* first = s.data();
    char const* const last = s.data() + s.size();
    return x3::parse(first, last, p, attr) && first == last;
}
template <typename Parser>
bool matches_all(std::string_view s, Parser const& p)
{
    return matches_all(s, p, x3::unused);
}

// e.g. "vfs_read", "_g" — the kernel's is_good_name()
inline auto const c_ident = x3::char_("a-zA-Z_") >> *x3::char_("a-zA-Z0-9_");

inline constexpr auto ident_table = [] {
    std::array<std::uint8_t, 256> table{}; // 1: may start an identifier, 2: may continue one
    for (int c = 0; c < 256; ++c) {
        bool const alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        table[c] = alpha ? 3 : (c >= '0' && c <= '9') ? 2 : 0;
    }
    return table;
}();

/// `c_ident` over all of `s`, the kernel's is_good_name(); inline, as it runs for every
/// name of every line.
inline bool is_c_ident(std::string_view s) noexcept
{
    if (s.empty() || !(ident_table[static_cast<unsigned char>(s[0])] & 1))
        return false;
    unsigned all = 2;
    for (char const c : s.substr(1))
        all &= ident_table[static_cast<unsigned char>(c)];
    return all != 0;
}

inline bool is_ident_start(char c) noexcept
{
    return ident_table[static_cast<unsigned char>(c)] & 1;
}

#if defined(__SSE2__)
/// Bit i set where byte i of `chunk` is in `low`..`high` (unsigned compare, as a min).
inline unsigned range_bits(__m128i chunk, char low, char high) noexcept
{
    __m128i const shifted = _mm_sub_epi8(chunk, _mm_set1_epi8(low));
    __m128i const width = _mm_set1_epi8(static_cast<char>(high - low));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(shifted, width), shifted)));
}

inline unsigned equal_bits(__m128i chunk, char c) noexcept
{
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(c))));
}

/// Bit i set where byte i of `chunk` is a blank: ' ' or '\t'..'\r'.
inline unsigned blank_bits(__m128i chunk) noexcept
{
    return equal_bits(chunk, ' ') | range_bits(chunk, '\t', '\r');
}

/// Bit i set where byte i of `chunk` is a letter, a digit or '_'.
inline unsigned ident_bits(__m128i chunk) noexcept
{
    __m128i const lower = _mm_or_si128(chunk, _mm_set1_epi8(0x20));
    return range_bits(lower, 'a', 'z') | range_bits(chunk, '0', '9') | equal_bits(chunk, '_');
}

inline __m128i load16(char const* p) noexcept
{
    return _mm_loadu_si128(reinterpret_cast<__m128i const*>(p));
}
#endif

#if defined(__SSE2__)
/// 16 bytes of a line from any offset in it. The last 16 come from a copy padded with
/// blanks, so that a scan neither reads past the line nor ends in a byte-by-byte loop.
class line_chunks {
public:
    explicit line_chunks(std::string_view text) noexcept : data_(text.data())
    {
        std::size_t const size = text.size();
        _mm_store_si128(reinterpret_cast<__m128i*>(tail_ + 16), _mm_set1_epi8(' '));
        _mm_store_si128(reinterpret_cast<__m128i*>(tail_ + 32), _mm_set1_epi8(' '));
        if (size >= 16) {
            tail_at_ = size - 16;
            _mm_store_si128(reinterpret_cast<__m128i*>(tail_), load16(data_ + tail_at_));
        } else {
            tail_at_ = 0;
            _mm_store_si128(reinterpret_cast<__m128i*>(tail_), _mm_set1_epi8(' '));
            for (std::size_t i = 0; i < size; ++i)
                tail_[i] = data_[i];
        }
    }

    /// Bytes `at` .. `at + 15`, blanks past the end. Requires: `at` <= the line's size + 16.
    __m128i load(std::size_t at) const noexcept
    {
        return at < tail_at_ ? load16(data_ + at) : load16(tail_ + (at - tail_at_));
    }

private:
    char const* data_;
    std::size_t tail_at_; ///< where the copy starts
    alignas(16) char tail_[48];
};
#endif

// e.g. "foo.isra.0", "_do_fork": what kallsyms names look like
inline auto const ksym = +x3::char_("a-zA-Z0-9_.");
// e.g. "ext4", "nf_conntrack-ipv4"
inline auto const module_name = +x3::char_("a-zA-Z0-9_-");

/// Up to 8 bytes of a name as one integer (first byte lowest), so a name can be a `case`.
constexpr std::uint64_t pack_name(std::string_view s) noexcept
{
    auto const byte = [s](std::size_t i) {
        return std::uint64_t(static_cast<unsigned char>(s[i])) << (8 * i);
    };
    // Registers and types are mostly 2 or 3 characters: those sizes need no loop.
    switch (s.size()) {
    case 2: return byte(0) | byte(1);
    case 3: return byte(0) | byte(1) | byte(2);
    default: break;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
        v |= byte(i);
    return v;
}

/// Registers regs_query_register_offset() knows, x86_64's and aarch64's. A switch over
/// packed names (the compiler makes it a few compares), so looking one up allocates
/// nothing and scans no table.
// LIMITATION(L-032): uprobe lines take the build's architecture's names; kernel probe
// lines take both sets (the corpus has aarch64 kprobe rows; a line does not say its arch).
inline bool is_register(std::string_view name, bool x86_64, bool aarch64) noexcept
{
    if (!aarch64 && name.size() >= 2 && name.size() <= 3 && name[0] == 'x')
        return false;
    if (name == "sp")
        return true;
    if (name.size() >= 2 && name.size() <= 3 && name[0] == 'x') {
        // aarch64 "x0".."x30"
        if (name.size() == 2)
            return is_digit_char(name[1]);
        return name[1] >= '1' && name[1] <= '3' && is_digit_char(name[2]) &&
               (name[1] != '3' || name[2] == '0');
    }
    if (name.empty() || name.size() > 8)
        return false;
    switch (pack_name(name)) {
    case pack_name("ax"): case pack_name("bx"): case pack_name("cx"): case pack_name("dx"):
    case pack_name("si"): case pack_name("di"): case pack_name("bp"): case pack_name("ip"):
    case pack_name("flags"): case pack_name("cs"): case pack_name("ss"):
    case pack_name("orig_ax"): case pack_name("r8"): case pack_name("r9"):
    case pack_name("r10"): case pack_name("r11"): case pack_name("r12"): case pack_name("r13"):
    case pack_name("r14"): case pack_name("r15"):
        return x86_64;
    case pack_name("pc"): case pack_name("pstate"):
        return aarch64;
    default:
        return false;
    }
}

/// "u8" .. "x64", the commonest types, as lookup_type() finds them (one switch over the
/// packed size instead of arithmetic on the digits).
inline bool find_integer_type(std::string_view name, trace_type& type) noexcept
{
    using k = fetch_type_kind;
    if (name.size() < 2 || name.size() > 3)
        return false;
    k kind;
    switch (name[0]) {
    case 'u': kind = k::unsigned_int; break;
    case 's': kind = k::signed_int; break;
    case 'x': kind = k::hex; break;
    default: return false;
    }
    std::uint8_t bits;
    switch (pack_name(std::string_view(name.data() + 1, name.size() - 1))) {
    case pack_name("8"): bits = 8; break;
    case pack_name("16"): bits = 16; break;
    case pack_name("32"): bits = 32; break;
    case pack_name("64"): bits = 64; break;
    default: return false;
    }
    type.kind = kind;
    type.bits = bits;
    return true;
}

/// The fetch types of probe_fetch_types[] other than u/s/x (bitfields are handled apart).
inline bool find_named_type(std::string_view name, trace_type& type) noexcept
{
    using k = fetch_type_kind;
    struct entry {
        std::string_view name;
        trace_type type;
    };
    static constexpr entry entries[] = {
        {"char", {k::character, 8}},    {"string", {k::string}}, {"ustring", {k::user_string}},
        {"symbol", {k::symbol, 64}},    {"symstr", {k::symbol_string}},
        {"%pd", {k::dentry}},           {"%pD", {k::file}}};
    for (auto const& e : entries) {
        if (e.name == name) {
            type = e.type;
            return true;
        }
    }
    return false;
}

// BTF expressions, e.g. "file->f_path.dentry", "(file,f_path)file->f_mode",
// "this_cpu_read((foo,timer)t->counter)", "$retval->name", "$current->pid".
struct btf_expr_class;
inline x3::rule<btf_expr_class> const btf_expr = "BTF expression";
inline auto const btf_cast = '(' >> c_ident >> -(',' >> c_ident) >> ')';
inline auto const btf_var =
    (x3::lit("$retval") | "$current" | ('$' >> x3::lit("arg") >> +x3::digit)) |
    (c_ident >> -('(' >> btf_expr >> ')'));
inline auto const btf_expr_def = -btf_cast >> btf_var >> *((x3::lit("->") | '.') >> c_ident);
BOOST_SPIRIT_DEFINE(btf_expr)

// --- the driver ---------------------------------------------------------------------------
/// The kernel's isspace(): argv_split() cuts words there.
inline constexpr auto blank_table = [] {
    std::array<bool, 256> table{};
    for (unsigned char const c : {' ', '\t', '\n', '\v', '\f', '\r'})
        table[c] = true;
    return table;
}();
inline bool is_blank(char c) noexcept { return blank_table[static_cast<unsigned char>(c)]; }

/// Where the characters the kernel cuts a word at first occur in it (npos: nowhere), found
/// in the one pass that finds the word's end, so later cuts need not scan again.
struct word_marks {
    static constexpr std::size_t none = std::string_view::npos;
    std::size_t equals = none, colon = none, last_colon = none, slash = none, paren = none,
                percent = none;
};

enum : std::uint8_t { c_plain, c_blank, c_equals, c_colon, c_slash, c_paren, c_percent };
inline constexpr auto word_table = [] {
    std::array<std::uint8_t, 256> table{};
    for (unsigned char const c : {' ', '\t', '\n', '\v', '\f', '\r'})
        table[c] = c_blank;
    table['='] = c_equals;
    table[':'] = c_colon;
    table['/'] = c_slash;
    table['('] = c_paren;
    table['%'] = c_percent;
    return table;
}();

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) noexcept { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

/// Names the kernel reserves for an event's common fields and probe fields.
inline bool is_reserved_arg_name(std::string_view name) noexcept
{
    if (name.size() < 10 || (name[0] != 'c' && name[0] != '_'))
        return false;
    for (std::string_view r : {"common_type", "common_flags", "common_preempt_count",
                               "common_pid", "common_tgid", "__probe_ip", "__probe_ret_ip",
                               "__probe_func"})
        if (name == r)
            return true;
    return false;
}

/// One parse: the text, the kind's flags and the sink.
class line_parser {
public:
    line_parser(std::string_view text, trace_kind kind, trace_sink& sink) noexcept
        : text_(text), kind_(kind), sink_(sink)
#if defined(__SSE2__)
          , chunks_(text)
#endif
    {
    }

    std::optional<parse_error> run() noexcept
    {
        sink_.event = trace_probe_view{};
        sink_.arg_count = 0;
        sink_.deref_count = 0;
        if (!parse_line())
            return error_;
        sink_.event.args = std::span<trace_arg_view const>(sink_.args.data(), sink_.arg_count);
        return std::nullopt;
    }

private:
    // --- words ----------------------------------------------------------------------------
    /// The next blank-separated word at or after `pos_`, or an empty view at the end.
    /// `marks_` tells where its special characters are (offsets into the word).
    std::string_view next_word() noexcept
    {
        char const* const data = text_.data();
        std::size_t const size = text_.size();
        std::size_t i = pos_;
        while (i < size && is_blank(data[i]))
            ++i;
        word_marks marks;
        std::size_t j = i;
#if defined(__SSE2__)
        // 16 bytes at a time: one compare per special character, and the first (or last)
        // match of each from the bit masks.
        while (j < size) {
            __m128i const chunk = chunks_.load(j);
            auto const mask_of = [&](char c) { return equal_bits(chunk, c); };
            unsigned const blanks = blank_bits(chunk);
            unsigned const within = blanks ? (1u << __builtin_ctz(blanks)) - 1 : 0xffffu;
            std::size_t const base = j - i;
            auto const first = [&](std::size_t& mark, unsigned bits) {
                bits &= within;
                if (bits && mark == word_marks::none)
                    mark = base + static_cast<std::size_t>(__builtin_ctz(bits));
            };
            unsigned const colons = mask_of(':') & within;
            if (colons) {
                if (marks.colon == word_marks::none)
                    marks.colon = base + static_cast<std::size_t>(__builtin_ctz(colons));
                marks.last_colon = base + static_cast<std::size_t>(31 - __builtin_clz(colons));
            }
            first(marks.equals, mask_of('='));
            first(marks.slash, mask_of('/'));
            first(marks.paren, mask_of('('));
            first(marks.percent, mask_of('%'));
            if (blanks) {
                j += static_cast<std::size_t>(__builtin_ctz(blanks));
                break;
            }
            j += 16;
        }
        j = std::min(j, size);
        marks_ = marks;
        pos_ = j;
        return std::string_view(data + i, j - i);
#else
        for (; j < size; ++j) {
            std::uint8_t const cls = word_table[static_cast<unsigned char>(data[j])];
            if (cls == c_plain)
                continue;
            if (cls == c_blank)
                break;
            std::size_t const k = j - i;
            switch (cls) {
            case c_equals: marks.equals = std::min(marks.equals, k); break;
            case c_colon:
                marks.colon = std::min(marks.colon, k);
                marks.last_colon = k;
                break;
            case c_slash: marks.slash = std::min(marks.slash, k); break;
            case c_paren: marks.paren = std::min(marks.paren, k); break;
            default: marks.percent = std::min(marks.percent, k); break;
            }
        }
        marks_ = marks;
        pos_ = j;
        return std::string_view(data + i, j - i);
#endif
    }

    /// The next word at or after `pos_`, as next_word(), for a word whose marks are not
    /// needed (the command head): only its end is looked for.
    std::string_view next_plain_word() noexcept
    {
        char const* const data = text_.data();
        std::size_t const size = text_.size();
        std::size_t i = pos_;
        while (i < size && is_blank(data[i]))
            ++i;
        std::size_t j = i;
#if defined(__SSE2__)
        for (; j < size; j += 16) {
            if (unsigned const blanks = blank_bits(chunks_.load(j))) {
                j += static_cast<std::size_t>(__builtin_ctz(blanks));
                break;
            }
        }
        j = std::min(j, size);
#else
        while (j < size && !is_blank(data[j]))
            ++j;
#endif
        pos_ = j;
        return std::string_view(data + i, j - i);
    }

    /// The end of the run of identifier characters (letters, digits, '_') from `p`, at
    /// most `end`; 16 bytes at a time.
    char const* skip_ident(char const* p, char const* end) const noexcept
    {
        std::size_t i = at(p);
        std::size_t const stop = at(end);
#if defined(__SSE2__)
        for (; i < stop; i += 16) {
            if (unsigned const others = ~ident_bits(chunks_.load(i)) & 0xffffu) {
                i += static_cast<std::size_t>(__builtin_ctz(others));
                break;
            }
        }
        i = std::min(i, stop);
#else
        while (i < stop && (ident_table[static_cast<unsigned char>(text_[i])] & 2))
            ++i;
#endif
        return text_.data() + i;
    }

    /// Which of the 32 bytes from `from` are identifier characters, one bit each: one
    /// classification serves all the runs of a short argument (name, register, type).
    struct ident_window {
        std::size_t from = 0;
        std::size_t size = 0;   ///< 32, or 0 where there is no SIMD to make the bits
        std::uint64_t bits = 0; ///< bit k: byte `from + k`; none past the line
    };

    [[gnu::always_inline]] ident_window classify_idents([[maybe_unused]] std::size_t from) const
        noexcept
    {
#if defined(__SSE2__)
        std::uint64_t const low = ident_bits(chunks_.load(from));
        std::uint64_t const high = ident_bits(chunks_.load(from + 16));
        return {from, 32, low | high << 16};
#else
        return {}; // an empty window: skip_ident() scans
#endif
    }

    /// skip_ident(), answered from `window` when the run ends inside it.
    [[gnu::always_inline]] char const* skip_ident(char const* p, char const* end,
                                                  ident_window const& window) const noexcept
    {
        std::size_t const k = at(p) - window.from;
        if (k < window.size) {
            // the bits above the window are 0, so `others` has a bit at 32 - k at the latest
            std::uint64_t const others = ~(window.bits >> k);
            std::size_t const run = static_cast<std::size_t>(std::countr_zero(others));
            if (k + run < window.size)
                return std::min(p + run, end);
            // a long run: it goes on at least to the window's end
            char const* const window_end = text_.data() + window.from + window.size;
            return window_end < end ? skip_ident(window_end, end) : end;
        }
        return skip_ident(p, end);
    }

    std::size_t at(std::string_view piece) const noexcept
    {
        return static_cast<std::size_t>(piece.data() - text_.data());
    }
    std::size_t at(char const* p) const noexcept
    {
        return static_cast<std::size_t>(p - text_.data());
    }

    bool fail(std::size_t offset, std::string_view code, std::string_view message,
              std::string_view expected = {},
              error_kind kind = error_kind::invalid) noexcept
    {
        // The kernel's offsets after a dereference stay shifted right by the `+OFFS(` it
        // stepped into (deref_shift), so for a type at the end of the line its error_log
        // caret can stand past the last byte ("p d +444(k):b/16" reports 17 of 16). A
        // parse_error offset is a position in the text: such a caret becomes the end.
        error_ = parse_error{kind, std::min(offset, text_.size()), 0, expected, message, code};
        return false;
    }

    bool kernel_side() const noexcept { return kind_ != trace_kind::uprobe; }

    // --- the whole line -------------------------------------------------------------------
    bool parse_line() noexcept
    {
        std::string_view const head = next_plain_word();
        if (head.empty())
            return fail(0, {}, "an empty line is not a trace command", "a command");
        auto& ev = sink_.event;

        // e.g. "-:grp/ev", "p:grp/ev", "r100", "e:ep"
        char const letter = head[0];
        std::string_view const place_word = next_word();
        place_marks_ = marks_;
        if (!decide_kind(letter, place_word, head))
            return false;
        ev.kind = kind_;

        if (letter == '-')
            return parse_removal(head, place_word);
        if (!parse_head(head))
            return false;

        // The place: the kernel needs one (argc >= 2).
        if (place_word.empty())
            return fail(text_.size(), {}, "a probe place must follow the command",
                        "probe place");
        if (!parse_place(place_word))
            return false;
        if (has_deferred_name_ &&
            !parse_event_name(deferred_name_, deferred_name_at_, deferred_group_only_ok_))
            return false;
        return parse_args();
    }

    /// As dynamic_events decides which parser gets a line.
    bool decide_kind(char letter, std::string_view place, std::string_view head) noexcept
    {
        trace_kind by_letter = trace_kind::automatic;
        switch (letter) {
        case 'p':
        case 'r':
            by_letter = (place_marks_.slash != place.npos && place_marks_.colon != place.npos)
                            ? trace_kind::uprobe
                            : trace_kind::kprobe;
            break;
        case 'e': by_letter = trace_kind::eprobe; break;
        case 'f': by_letter = trace_kind::fprobe; break;
        case 't': by_letter = trace_kind::tprobe; break;
        case '-':
            if (head.size() < 2 || head[1] != ':')
                return fail(at(head) + 1, {}, "a removal is written '-:[GROUP/]EVENT'", "':'");
            if (place.empty())
                by_letter = trace_kind::automatic;
            else if (place.find('/') != place.npos && place.find(':') != place.npos)
                by_letter = trace_kind::uprobe;
            else if (place.find('/') != place.npos || place.find('.') != place.npos)
                by_letter = trace_kind::eprobe;
            else
                by_letter = trace_kind::kprobe;
            if (kind_ == trace_kind::automatic)
                kind_ = by_letter;
            return true;
        default:
            return fail(at(head), {}, "a trace command starts with p, r, e, f, t or '-:'",
                        "command letter");
        }
        if (kind_ == trace_kind::automatic) {
            kind_ = by_letter;
            return true;
        }
        bool const fits = (letter == 'p' || letter == 'r')
                              ? (kind_ == trace_kind::kprobe || kind_ == trace_kind::uprobe)
                              : kind_ == by_letter;
        if (!fits)
            return fail(at(head), {}, "the command letter does not fit the kind of probe",
                        "command letter");
        return true;
    }

    // e.g. "-:grp/ev", "-:ev syscalls/sys_enter_openat"
    bool parse_removal(std::string_view head, std::string_view place) noexcept
    {
        auto& ev = sink_.event;
        ev.remove = true;
        if (!parse_event_name(head.substr(2), 2, false))
            return false;
        if (ev.event.empty())
            return fail(at(head) + 2, "NO_EVENT_NAME", "a removal needs an event name",
                        "event name");
        if (place.empty()) {
            ev.has_place = false;
            return true;
        }
        if (kind_ == trace_kind::automatic)
            kind_ = ev.kind = trace_kind::kprobe;
        return parse_place(place) && parse_args();
    }

    // e.g. "p", "r100:grp/ev", "p:ev", "f:grp/ev"
    bool parse_head(std::string_view head) noexcept
    {
        auto& ev = sink_.event;
        char const letter = head[0];
        ev.retprobe = letter == 'r';

        if (kind_ == trace_kind::uprobe) {
            // The uprobe parser reads a name only when ':' comes right after the letter;
            // anything else there (`r5`, `p100`) is ignored.
            if (head.size() >= 2 && head[1] == ':')
                return defer_event_name(std::string_view(head.data() + 2, head.size() - 2), 2,
                                        true);
            return true;
        }

        std::size_t const colon = find_in(head, ':', 1);
        std::string_view const between =
            head.substr(1, (colon == head.npos ? head.size() : colon) - 1);
        if (!between.empty() && is_digit(between[0])) {
            // e.g. "r100": maxactive, for return probes only
            if (kind_ == trace_kind::tprobe)
                return fail(at(head) + 1, "BAD_MAXACT_TYPE", "maxactive is only for return probes",
                            "':' or a blank");
            if (kind_ == trace_kind::kprobe && letter == 'p')
                return fail(at(head) + 1, "MAXACT_NO_KPROBE", "maxactive is only for kretprobes",
                            "':' or a blank");
            if (kind_ == trace_kind::eprobe)
                return fail(at(head) + 1, "BAD_MAXACT", "an event probe takes no maxactive", "':'");
            std::uint64_t maxactive = 0;
            if (between.size() > max_event_name_len - 1 || !kstrtoull(between, 0, maxactive) ||
                maxactive == 0 || maxactive > UINT_MAX)
                return fail(at(head) + 1, "BAD_MAXACT", "invalid maxactive number",
                            "maxactive number");
            if (maxactive > maxactive_max)
                return fail(at(head) + 1, "MAXACT_TOO_BIG", "maxactive is too big (at most 4096)",
                            "maxactive number");
            ev.maxactive = static_cast<std::uint32_t>(maxactive);
        } else if (!between.empty() && kind_ != trace_kind::kprobe) {
            return fail(at(head) + 1, "BAD_MAXACT", "invalid maxactive number", "':' or a blank");
        }
        // kprobes ignore other text before ':' (the kernel looks for the first ':').
        if (colon == head.npos)
            return true;
        if (kind_ == trace_kind::eprobe)
            return parse_event_name(head.substr(colon + 1), colon + 1, false);
        return defer_event_name(head.substr(colon + 1), colon + 1, false);
    }

    /// The kprobe, uprobe and fprobe parsers read the place before the name: a name is
    /// checked once the place has passed, so that of two errors the kernel's comes first.
    bool defer_event_name(std::string_view name, std::size_t offset, bool group_only_ok) noexcept
    {
        deferred_name_ = name;
        deferred_name_at_ = offset;
        deferred_group_only_ok_ = group_only_ok;
        has_deferred_name_ = true;
        return true;
    }

    /// traceprobe_parse_event_name(): `[GROUP/]EVENT`, or `GROUP.EVENT` when there is no
    /// '/'. `group_only_ok`: `GROUP/` alone lets the kernel name the event (uprobes).
    bool parse_event_name(std::string_view name, std::size_t, bool group_only_ok) noexcept
    {
        if (parse_plain_event_name(name))
            return true;
        std::size_t const offset = at(name); // the line may open with blanks
        auto& ev = sink_.event;
        std::size_t slash = find_in(name, '/');
        if (slash == name.npos)
            slash = find_in(name, '.');
        std::size_t event_at = offset;
        if (slash != name.npos) {
            if (slash == 0)
                return fail(offset, "NO_GROUP_NAME", "group name is not specified",
                            "group name");
            if (slash + 1 > max_event_name_len)
                return fail(offset, "GROUP_TOO_LONG", "group name is too long (at most 63)",
                            "group name");
            std::string_view const group = name.substr(0, slash);
            if (!is_c_ident(group))
                return fail(offset, "BAD_GROUP_NAME",
                            "group name must follow the same rules as C identifiers",
                            "group name");
            ev.group = group;
            name.remove_prefix(slash + 1);
            event_at = offset + slash + 1;
        }
        if (name.empty()) {
            if (slash != name.npos && group_only_ok)
                return true;
            return fail(event_at, "NO_EVENT_NAME", "event name is not specified",
                        "event name");
        }
        if (name.size() >= max_event_name_len)
            return fail(event_at, "EVENT_TOO_LONG", "event name is too long (at most 63)",
                        "event name");
        if (!is_c_ident(name))
            return fail(event_at, "BAD_EVENT_NAME",
                        "event name must follow the same rules as C identifiers", "event name");
        ev.event = name;
        return true;
    }

    /// The common `GROUP/EVENT` or `EVENT`, identifiers within their limits, in one pass;
    /// false for anything else, which parse_event_name() then judges in full.
    bool parse_plain_event_name(std::string_view name) noexcept
    {
        char const* const begin = name.data();
        char const* const end = begin + name.size();
        if (begin == end || !is_ident_start(*begin))
            return false;
        ident_window const window = classify_idents(at(begin));
        char const* const first_end = skip_ident(begin + 1, end, window);
        std::string_view group;
        char const* event = begin;
        if (first_end != end) {
            // e.g. "probe_libc/a64l": a group of at most 63 characters, then '/'
            std::size_t const group_size = static_cast<std::size_t>(first_end - begin);
            if (*first_end != '/' || group_size + 1 > max_event_name_len)
                return false;
            group = std::string_view(begin, group_size);
            event = first_end + 1;
            if (event == end || !is_ident_start(*event) ||
                skip_ident(event + 1, end, window) != end)
                return false;
        }
        std::size_t const event_size = static_cast<std::size_t>(end - event);
        if (event_size >= max_event_name_len)
            return false;
        sink_.event.group = group;
        sink_.event.event = std::string_view(event, event_size);
        return true;
    }

    // --- places ---------------------------------------------------------------------------
    bool parse_place(std::string_view word) noexcept
    {
        switch (kind_) {
        case trace_kind::uprobe: return parse_uprobe_place(word);
        case trace_kind::eprobe: return parse_eprobe_place(word);
        case trace_kind::tprobe: return parse_tprobe_place(word);
        default: return parse_kernel_place(word);
        }
    }

    // e.g. "/bin/app:0x115d", "/bin/app:4472%return", "/bin/app:0x1178(0x4010)"
    bool parse_uprobe_place(std::string_view word) noexcept
    {
        auto& place = sink_.event.place;
        std::size_t const colon = place_marks_.last_colon;
        if (place_marks_.slash == word.npos || colon == word.npos || colon + 1 >= word.size() ||
            !is_digit(word[colon + 1]))
            return fail(at(word), {}, "a uprobe place is PATH:OFFSET with a numeric offset",
                        "PATH:OFFSET");
        place.path = std::string_view(word.data(), colon);
        std::string_view rest(word.data() + colon + 1, word.size() - colon - 1);

        // e.g. "(0x4010)": the reference counter, closed by the next ')' and last
        std::size_t const open = place_marks_.paren == word.npos ? word.npos
                                 : place_marks_.paren > colon ? place_marks_.paren - colon - 1
                                                               : rest.find('(');
        if (open != rest.npos) {
            std::size_t const close = rest.find(')', open);
            if (close == rest.npos)
                return fail(at(word) + word.size(), "REFCNT_OPEN_BRACE",
                            "reference counter brace is not closed", "')'");
            if (close + 1 != rest.size())
                return fail(at(rest) + close + 1, "BAD_REFCNT_SUFFIX",
                            "reference counter has wrong suffix", "end of the place");
            std::string_view const ref = rest.substr(open + 1, close - open - 1);
            if (!kstrtoull(ref, 0, place.ref_ctr_offset))
                return fail(at(ref), "BAD_REFCNT", "invalid reference counter offset",
                            "reference counter offset");
            place.has_ref_ctr = true;
            rest = rest.substr(0, open);
        }

        std::size_t const percent = place_marks_.percent == word.npos ? word.npos
                                    : place_marks_.percent > colon
                                        ? place_marks_.percent - colon - 1
                                        : rest.find('%');
        if (percent != rest.npos) {
            if (rest.substr(percent) != "%return")
                return fail(at(rest) + percent, "BAD_ADDR_SUFFIX",
                            "only %return is allowed after the address", "%return");
            sink_.event.retprobe = true;
            rest = rest.substr(0, percent);
        }
        if (!kstrtoull(rest, 0, place.address))
            return fail(at(rest), "BAD_UPROBE_OFFS", "invalid uprobe offset", "file offset");
        return true;
    }

    // e.g. "vfs_read", "vfs_read+16", "ext4:ext4_sync_fs", "0xffffffff812a4560",
    //      "vfs_read%return"; fprobes take a bare symbol
    bool parse_kernel_place(std::string_view word) noexcept
    {
        auto& ev = sink_.event;
        auto& place = ev.place;
        bool const fprobe = kind_ == trace_kind::fprobe;
        if (!fprobe && kstrtoull(word, 0, place.address)) {
            place.is_address = true;
            if (ev.retprobe)
                entry_or_exit_ = true;
            return true;
        }
        if (place_marks_.slash != word.npos && place_marks_.colon != word.npos)
            return fail(at(word), {}, "this place is a uprobe's (PATH:OFFSET)", "symbol");

        std::string_view symbol = word;
        std::string_view suffix;
        if (std::size_t const percent = place_marks_.percent; percent != word.npos) {
            symbol = word.substr(0, percent);
            suffix = word.substr(percent);
        }
        // e.g. "ext4:" before the symbol
        std::string_view module;
        if (std::size_t const colon = symbol.find(':'); colon != symbol.npos && !fprobe) {
            module = symbol.substr(0, colon);
            symbol = symbol.substr(colon + 1);
            if (!matches_all(module, module_name))
                return fail(at(word), "BAD_PROBE_ADDR", "invalid module name", "module name");
        }
        std::int64_t offset = 0;
        if (std::size_t const sign = symbol.find_first_of("+-"); sign != symbol.npos) {
            if (fprobe)
                return fail(at(word), "BAD_PROBE_ADDR", "an fprobe takes no offset",
                            "function name");
            if (!kstrtoll(symbol.substr(sign), offset) || offset < 0 || offset > UINT_MAX)
                return fail(at(word), "BAD_PROBE_ADDR", "invalid probe offset",
                            "non-negative offset");
            symbol = symbol.substr(0, sign);
        }
        if (!matches_all(symbol, ksym))
            return fail(at(word), "BAD_PROBE_ADDR", "invalid symbol name", "symbol name");
        if (!suffix.empty()) {
            if (suffix != "%return")
                return fail(at(suffix), "BAD_ADDR_SUFFIX",
                            "only %return is allowed after the symbol", "%return");
            ev.retprobe = true;
        }
        place.module = module;
        place.symbol = symbol;
        place.offset = static_cast<std::uint64_t>(offset);
        if (ev.retprobe && offset != 0)
            return fail(at(word), "BAD_RETPROBE", "a return probe must be on a function entry",
                        "function name");
        // A function traced by ftrace opens with a 5-byte call to __fentry__ on x86_64;
        // offsets inside it are never an instruction boundary.
        // LIMITATION(L-034): assumed for every symbol; the kernel decides with the code.
        if (offset >= 1 && offset <= 4)
            return fail(at(word), "BAD_INSN_BNDRY",
                        "the offset is not on an instruction boundary", "probe offset");
        entry_or_exit_ = offset == 0;
        return true;
    }

    // e.g. "kmem_cache_alloc"
    bool parse_tprobe_place(std::string_view word) noexcept
    {
        if (!matches_all(word, c_ident))
            return fail(at(word), "NO_TRACEPOINT", "invalid tracepoint name", "tracepoint name");
        sink_.event.place.symbol = word;
        entry_or_exit_ = true;
        return true;
    }

    // e.g. "syscalls/sys_enter_openat", "syscalls.sys_enter_openat"
    bool parse_eprobe_place(std::string_view word) noexcept
    {
        std::size_t slash = word.find('/');
        if (slash == word.npos)
            slash = word.find('.');
        if (slash == word.npos || slash == 0 || slash + 1 == word.size())
            return fail(at(word), "NO_EVENT_INFO", "give the event to attach as SYSTEM/EVENT",
                        "SYSTEM/EVENT");
        sink_.event.place.system = word.substr(0, slash);
        sink_.event.place.symbol = word.substr(slash + 1);
        return true;
    }

    // --- arguments ------------------------------------------------------------------------
    bool parse_args() noexcept
    {
        auto& ev = sink_.event;
        // fprobes and tprobes look for "$retval" in all args first: an fprobe with one
        // becomes a return probe; a tprobe cannot have one.
        if ((kind_ == trace_kind::fprobe || kind_ == trace_kind::tprobe) && !ev.remove) {
            std::string_view const rest = text_.substr(pos_);
            for (std::size_t i = rest.find("$retval"); i != rest.npos;
                 i = rest.find("$retval", i + 1)) {
                char const next = i + 7 < rest.size() ? rest[i + 7] : '\0';
                if (is_alpha(next) || is_digit(next) || next == '_')
                    continue;
                if (kind_ == trace_kind::tprobe)
                    return fail(at(rest) + i, "RETVAL_ON_PROBE",
                                "$retval is not available on a tracepoint probe", "argument");
                ev.retprobe = true;
                break;
            }
        }
        if (ev.retprobe && kind_ != trace_kind::uprobe && kind_ != trace_kind::eprobe)
            entry_or_exit_ = true;

        bool const plain_args_apply = kind_ == trace_kind::uprobe || kind_ == trace_kind::kprobe;
        for (;;) {
            // e.g. "fd=%di:s32": the commonest shapes in one pass, the rest the long way
            if (plain_args_apply && parse_plain_arg())
                continue;
            if (pos_ == text_.size())
                break;
            std::string_view const word = next_word();
            if (word.empty())
                break;
            if (kind_ == trace_kind::eprobe && word == "if") {
                std::size_t start = pos_;
                while (start < text_.size() && is_blank(text_[start]))
                    ++start;
                std::size_t end = text_.size();
                while (end > start && is_blank(text_[end - 1]))
                    --end;
                // The kernel points one past "if " (within the text, here).
                if (start == end)
                    return fail(std::min(at(word) + word.size() + 1, text_.size()),
                                "NO_EP_FILTER",
                                "a filter must follow 'if'", "filter");
                ev.has_filter = true;
                ev.filter = text_.substr(start, end - start);
                return true;
            }
            if (first_arg_at_ == 0)
                first_arg_at_ = at(word);
            if (sink_.arg_count >= max_trace_args)
                return too_many_args();
            if (sink_.arg_count >= sink_.args.size())
                return fail(at(word), {}, "more arguments than the storage holds", {},
                            error_kind::unsupported);
            if (!parse_arg(word))
                return more_than_max_args() ? too_many_args() : false;
        }
        return true;
    }

    /// The dereference parse_plain_arg() found, stored once every check has passed.
    struct plain_deref {
        bool found = false;
        fetch_deref_view deref;
    };

    /// The commonest argument shapes, scanned and checked in one pass over their bytes:
    ///   NAME=%REG:TYPE   NAME=+OFFS(%REG):TYPE   $retval        e.g. "fd=%di:s32"
    /// If the word at `pos_` is one of them and passes every check parse_arg() makes, it
    /// is stored as parse_arg() would store it. Otherwise false is returned, and only the
    /// next argument slot (which parse_arg() resets) has changed: parse_arg() then judges
    /// the word, and reports its error, as usual.
    bool parse_plain_arg() noexcept
    {
        std::size_t const index = sink_.arg_count;
        if (index >= max_trace_args || index >= sink_.args.size())
            return false;
        char const* const line_end = text_.data() + text_.size();
        char const* begin = text_.data() + pos_;
        while (begin != line_end && is_blank(*begin))
            ++begin;
        pos_ = at(begin); // the blanks before a word are nothing to any parse
        if (begin == line_end)
            return false;

        trace_arg_view& arg = sink_.args[index];
        arg = trace_arg_view{};
        plain_deref deref;
        char const* const end = *begin == '$'
                                    ? scan_plain_retval(begin, line_end, arg)
                                    : scan_plain_register_arg(begin, line_end, arg, deref);
        if (end == nullptr || name_conflicts(index, arg.name))
            return false;
        if (deref.found) {
            if (sink_.deref_count >= sink_.derefs.size())
                return false;
            sink_.derefs[sink_.deref_count] = deref.deref;
        }
        std::size_t const deref_count = deref.found ? 1 : 0;
        arg.derefs = std::span<fetch_deref_view const>(sink_.derefs.data() + sink_.deref_count,
                                                       deref_count);
        sink_.deref_count += deref_count;
        ++sink_.arg_count;
        if (first_arg_at_ == 0)
            first_arg_at_ = at(begin);
        pos_ = at(end);
        return true;
    }

    /// "$retval" alone, on a return probe: the word's end, or null.
    char const* scan_plain_retval(char const* p, char const* end,
                                  trace_arg_view& arg) const noexcept
    {
        constexpr std::string_view retval = "$retval";
        if (!sink_.event.retprobe || static_cast<std::size_t>(end - p) < retval.size() ||
            std::string_view(p, retval.size()) != retval)
            return nullptr;
        p += retval.size();
        if (p != end && !is_blank(*p))
            return nullptr;
        arg.base = fetch_base::retval;
        return p;
    }

    /// `NAME=%REG:TYPE` or `NAME=+OFFS(%REG):TYPE`: the word's end, or null for another
    /// shape or a failed check.
    [[gnu::always_inline]] char const* scan_plain_register_arg(char const* p, char const* end,
                                                               trace_arg_view& arg,
                                                               plain_deref& deref) const noexcept
    {
        // e.g. "fd=": a C identifier of at most 32 characters (so no '=' or ':' before)
        char const* const name = p;
        if (!is_ident_start(*p))
            return nullptr;
        ident_window const window = classify_idents(at(p));
        p = skip_ident(p + 1, end, window);
        std::size_t const name_size = static_cast<std::size_t>(p - name);
        if (p == end || *p != '=' || name_size > max_arg_name_len)
            return nullptr;
        arg.name = std::string_view(name, name_size);
        char const* const body = ++p;

        // e.g. "+24(": the one dereference
        if (p != end && (*p == '+' || *p == '-')) {
            p = scan_plain_deref_offset(p, end, deref.deref.offset);
            if (p == nullptr)
                return nullptr;
            deref.found = true;
        }

        // e.g. "%di", then the dereference's ')' (the last one: none follows)
        if (p == end || *p != '%')
            return nullptr;
        char const* const reg = ++p;
        p = skip_ident(p, end, window);
        arg.base = fetch_base::reg;
        arg.text = std::string_view(reg, static_cast<std::size_t>(p - reg));
        if (!known_register(arg.text))
            return nullptr;
        if (deref.found) {
            if (p == end || *p != ')')
                return nullptr;
            deref.deref.trailing = std::string_view(++p, 0);
        }

        // e.g. ":s32", the end of the word; the body within the kernel's 63 bytes
        if (p == end || *p != ':')
            return nullptr;
        char const* const type = ++p;
        p = skip_ident(p, end, window);
        if ((p != end && !is_blank(*p)) || static_cast<std::size_t>(p - body) > max_argstr_len)
            return nullptr;
        std::string_view const type_text(type, static_cast<std::size_t>(p - type));
        if (!find_integer_type(type_text, arg.type) && !lookup_type(type_text, arg.type))
            return nullptr;
        // What finish_arg() refuses here: a string read straight from a register. (A
        // bitfield or an array cannot match, as their '@', '/' and '[' stop the scan.)
        auto const kind = arg.type.kind;
        bool const stringish = kind == fetch_type_kind::string ||
                               kind == fetch_type_kind::user_string ||
                               kind == fetch_type_kind::symbol_string;
        if (stringish && !deref.found)
            return nullptr;
        return p;
    }

    /// e.g. "+24(", "-8(", "+0(": a sign, a decimal offset of at most 18 digits (so it
    /// cannot overflow) without a leading zero (the kernel reads that as octal), and '('.
    /// Returns what follows the '(', or null.
    static char const* scan_plain_deref_offset(char const* p, char const* end,
                                               std::int64_t& offset) noexcept
    {
        bool const minus = *p++ == '-';
        char const* const digits = p;
        std::uint64_t value = 0;
        for (; p != end && is_digit(*p); ++p)
            value = value * 10 + static_cast<unsigned>(*p - '0');
        std::size_t const count = static_cast<std::size_t>(p - digits);
        if (count == 0 || count > 18 || (count > 1 && *digits == '0') || p == end || *p != '(')
            return nullptr;
        offset = minus ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
        return p + 1;
    }

    /// The kernel counts the arguments before it parses any, and blames the first one.
    bool too_many_args() noexcept
    {
        return fail(first_arg_at_, "TOO_MANY_ARGS", "too many arguments (at most 128)",
                    "at most 128 arguments");
    }

    /// Whether the whole line has more than 128 arguments (looked at only on an error).
    bool more_than_max_args() const noexcept
    {
        // 129 words take at least 257 bytes (one each, and the blanks between them)
        if (text_.size() - first_arg_at_ < 2 * max_trace_args + 1)
            return false;
        std::size_t count = 0;
#if defined(__SSE2__)
        // A word starts at a non-blank byte after a blank; the padding past the end is blank.
        unsigned after_blank = 1; // first_arg_at_ starts a word
        for (std::size_t i = first_arg_at_; i < text_.size(); i += 16) {
            unsigned const blanks = blank_bits(chunks_.load(i));
            count += static_cast<std::size_t>(
                std::popcount(~blanks & ((blanks << 1) | after_blank) & 0xffffu));
            after_blank = (blanks >> 15) & 1;
        }
#else
        bool in_word = false;
        for (std::size_t i = first_arg_at_; i < text_.size(); ++i) {
            bool const blank = is_blank(text_[i]);
            if (!blank && !in_word)
                ++count;
            in_word = !blank;
        }
#endif
        return count > max_trace_args;
    }

    /// traceprobe_parse_probe_arg(): `[NAME=]BODY`, then the body.
    bool parse_arg(std::string_view word) noexcept
    {
        std::size_t const index = sink_.arg_count;
        trace_arg_view& arg = sink_.args[index];
        arg = trace_arg_view{};
        std::size_t const word_at = at(word);

        // "$arg*" at the top: every parameter from BTF (kernel probes only)
        if (kernel_side() && kind_ != trace_kind::eprobe && word.starts_with("$arg")) {
            if (!entry_or_exit_)
                return fail(word_at, "NOFENTRY_ARGS",
                            "$arg* can be used only on function entry or exit", "argument");
            if (word.size() > 4 && word[4] == '*') {
                if (used_all_args_)
                    return fail(word_at, "DOUBLE_ARGS", "$arg* can be used only once",
                                "argument");
                used_all_args_ = true;
                arg.base = fetch_base::btf;
                arg.text = word;
                ++sink_.arg_count;
                return true;
            }
            if (word.size() <= 4 || !is_digit(word[4]))
                return fail(word_at, "BAD_VAR", "invalid $-variable", "$argN");
        }

        word_marks const marks = marks_;
        std::string_view body = word;
        std::size_t body_start = 0;
        if (std::size_t const eq = marks.equals; eq != word.npos) {
            if (eq > max_arg_name_len)
                return fail(word_at, "ARG_NAME_TOO_LONG", "argument name is too long (at most 32)",
                            "argument name");
            if (eq == 0)
                return fail(word_at, "NO_ARG_NAME", "argument name is not specified",
                            "argument name");
            arg.name = word.substr(0, eq);
            body = word.substr(eq + 1);
            body_start = eq + 1;
            if (!is_c_ident(arg.name))
                return fail(word_at, "BAD_ARG_NAME",
                            "argument name must follow the same rules as C identifiers",
                            "argument name");
        }
        if (name_conflicts(index, arg.name))
            return fail(word_at, "USED_ARG_NAME", "this argument name is already used",
                        "argument name");

        std::size_t const body_at = at(body);
        if (body.size() > max_argstr_len)
            return fail(body_at, "ARG_TOO_LONG", "argument expression is too long (at most 63)",
                        "argument");
        if (body.empty())
            return fail(body_at, "NO_ARG_BODY", "no argument expression", "argument");

        // The type: everything after the first ':'.
        std::string_view fetch = body;
        std::string_view type_text;
        bool has_type = false;
        // (a ':' before the '=' would have failed the name)
        std::size_t const colon = marks.colon == word.npos ? word.npos
                                  : marks.colon >= body_start ? marks.colon - body_start
                                                              : body.find(':');
        if (colon != body.npos) {
            fetch = body.substr(0, colon);
            type_text = body.substr(colon + 1);
            has_type = true;
        }
        if (!parse_type(arg, fetch, type_text, has_type, body_at))
            return false;

        std::size_t const first_deref = sink_.deref_count;
        int ops = 0;
        if (!parse_fetch(arg, fetch, body_at, ops))
            return false;
        arg.derefs = std::span<fetch_deref_view const>(sink_.derefs.data() + first_deref,
                                                       sink_.deref_count - first_deref);
        // After a dereference the kernel leaves its offset inside the outermost brace, so
        // what it reports from here on is that much further right.
        std::size_t shift = 0;
        if (fetch[0] == '+' || fetch[0] == '-')
            shift = deref_shift(fetch, fetch.find('('));
        if (!finish_arg(arg, type_text, has_type, body_at, shift, ops))
            return false;
        ++sink_.arg_count;
        return true;
    }

    /// Whether `name` (empty: the default "argN" of arg `index`) is reserved or taken.
    bool name_conflicts(std::size_t index, std::string_view name) noexcept
    {
        if (name.empty()) {
            // "argN" can only be taken by a name written as "argN" before.
            return named_like_default_ && default_name_taken(index);
        } else if (name.size() > 3 && name[0] == 'a' && name[1] == 'r' && name[2] == 'g') {
            named_like_default_ = true;
            // e.g. "arg2" is arg 2's default name, if arg 2 has none
            std::uint64_t n = 0;
            if (kstrtoull(name.substr(3), 10, n) && name[3] != '0' && name[3] != '+' &&
                n >= 1 && n <= index && sink_.args[n - 1].name.empty())
                return true;
        } else if (is_reserved_arg_name(name)) {
            return true;
        }
        return name_taken(index, name);
    }

    /// Whether one of the first `index` arguments is named `name`.
    bool name_taken(std::size_t index, std::string_view name) const noexcept
    {
        for (std::size_t i = 0; i < index; ++i)
            if (sink_.args[i].name == name)
                return true;
        return false;
    }

    /// Whether an argument before arg `index` took its default name. Apart from
    /// name_conflicts(), so that the buffer costs nothing on the path of named arguments.
    bool default_name_taken(std::size_t index) const noexcept
    {
        char buffer[16];
        return name_taken(index, default_name(index, buffer));
    }

    static std::string_view default_name(std::size_t index, char (&buffer)[16]) noexcept
    {
        std::size_t n = index + 1;
        char digits[8];
        std::size_t count = 0;
        do {
            digits[count++] = char('0' + n % 10);
            n /= 10;
        } while (n != 0);
        buffer[0] = 'a';
        buffer[1] = 'r';
        buffer[2] = 'g';
        for (std::size_t i = 0; i < count; ++i)
            buffer[3 + i] = digits[count - 1 - i];
        return std::string_view(buffer, 3 + count);
    }

    /// parse_probe_arg_type(): `TYPE[N]`, checked before the fetch.
    bool parse_type(trace_arg_view& arg, std::string_view fetch, std::string_view& type_text,
                    bool has_type, std::size_t body_at) noexcept
    {
        trace_type type;
        if (has_type) {
            if (std::size_t const open = find_in(type_text, '['); open != type_text.npos) {
                std::string_view const inside = type_text.substr(open + 1);
                std::size_t const close = find_in(inside, ']');
                if (close == inside.npos)
                    return fail(at(inside) + inside.size(), "ARRAY_NO_CLOSE",
                                "array is not closed", "']'");
                if (close + 1 != inside.size())
                    return fail(at(inside) + close + 1, "BAD_ARRAY_SUFFIX",
                                "array has wrong suffix", "end of the argument");
                std::uint64_t count = 0;
                std::string_view const number = inside.substr(0, close);
                if (!kstrtoull(number, 0, count) || count == 0 || count > UINT_MAX)
                    return fail(at(number), "BAD_ARRAY_NUM", "invalid array size",
                                "array size");
                if (count > max_array_len)
                    return fail(at(number), "ARRAY_TOO_BIG",
                                "array number is too big (at most 64)", "array size");
                type.array_count = static_cast<std::uint8_t>(count);
                type_text = type_text.substr(0, open);
            }
        }
        std::size_t const type_at = has_type ? at(type_text) : body_at;

        // $comm and immediate strings are strings, and nothing else.
        if (kind_ != trace_kind::eprobe &&
            !fetch.empty() && (fetch[0] == '$' || fetch[0] == '\\') &&
            (fetch == "$comm" || fetch == "$COMM" || fetch.starts_with("\\\""))) {
            if (type.array_count != 0 || (has_type && type_text != "string"))
                return fail(type_at, "NEED_STRING_TYPE",
                            "$comm and immediate-string only accepts string type", "string");
        }
        if (has_type) {
            if (!lookup_type(type_text, type))
                return fail(type_at, "BAD_TYPE", "unknown type is specified", "type");
        }
        arg.type = type;
        return true;
    }

    /// find_fetch_type(): the table, or a bitfield's container (`b../32`).
    bool lookup_type(std::string_view text, trace_type& type) const noexcept
    {
        using k = fetch_type_kind;
        if (!text.empty() && text[0] == 'b') {
            std::size_t const slash = text.find('/');
            std::uint64_t bits = 0;
            if (slash == text.npos || !kstrtoull(text.substr(slash + 1), 0, bits) ||
                (bits != 8 && bits != 16 && bits != 32 && bits != 64))
                return false;
            type.kind = k::bitfield;
            type.bits = static_cast<std::uint8_t>(bits);
            return true;
        }
        trace_type found;
        // e.g. "x64", "s32", "u8": the common types, without the symbol table
        auto const digit = [](char c) { return c >= '0' && c <= '9'; };
        if (text.size() >= 2 && text.size() <= 3 &&
            (text[0] == 'u' || text[0] == 's' || text[0] == 'x') && digit(text[1]) &&
            (text.size() == 2 || digit(text[2]))) { // not "u2,", whose arithmetic gives 16
            unsigned const bits = text.size() == 2 ? unsigned(text[1] - '0')
                                                   : unsigned(text[1] - '0') * 10 +
                                                         unsigned(text[2] - '0');
            if ((bits == 8 && text.size() == 2) ||
                ((bits == 16 || bits == 32 || bits == 64) && text.size() == 3 &&
                 text[1] != '0')) {
                type.kind = text[0] == 'u' ? k::unsigned_int
                            : text[0] == 's' ? k::signed_int : k::hex;
                type.bits = static_cast<std::uint8_t>(bits);
                return true;
            }
            return false;
        }
        if (!find_named_type(text, found))
            return false;
        if (kind_ == trace_kind::uprobe &&
            (found.kind == k::symbol || found.kind == k::symbol_string ||
             found.kind == k::dentry || found.kind == k::file))
            return false;
        type.kind = found.kind;
        type.bits = found.bits;
        return true;
    }

    /// parse_probe_arg(): one fetch, recursively through dereferences. `ops` counts the
    /// kernel's fetch instructions, which are limited.
    bool parse_fetch(trace_arg_view& arg, std::string_view fetch, std::size_t offset,
                     int& ops) noexcept
    {
        if (fetch.empty())
            return fail(offset, "BAD_FETCH_ARG", "invalid fetch argument", "fetch argument");
        switch (fetch[0]) {
        case '$': ++ops; return parse_variable(arg, fetch, offset);
        case '%': ++ops; return parse_register(arg, fetch, offset);
        case '@': return parse_memory(arg, fetch, offset, ops);
        case '+':
        case '-': return parse_deref(arg, fetch, offset, ops);
        case '\\': ++ops; return parse_immediate(arg, fetch, offset);
        default: break;
        }
        if (is_alpha(fetch[0]) || fetch[0] == '_' || fetch[0] == '(') {
            if (kind_ == trace_kind::eprobe)
                return fail(offset, "BAD_FETCH_ARG", "invalid fetch argument",
                            "fetch argument");
            ++ops;
            return parse_btf(arg, fetch, offset);
        }
        return fail(offset, "BAD_FETCH_ARG", "invalid fetch argument", "fetch argument");
    }

    // e.g. "$stack3", "$retval", "$comm", "$arg2", "$filename" (eprobe field)
    bool parse_variable(trace_arg_view& arg, std::string_view fetch, std::size_t offset) noexcept
    {
        std::string_view const name = fetch.substr(1);
        if (kind_ == trace_kind::eprobe) {
            if (name == "comm" || name == "COMM") {
                arg.base = fetch_base::comm;
                arg.text = name;
                return true;
            }
            if (!is_c_ident(name))
                return fail(offset, "BAD_ATTACH_ARG", "invalid attached event field",
                            "field name");
            arg.base = fetch_base::event_field;
            arg.text = name;
            return true;
        }
        if (name.starts_with("retval")) {
            if (!sink_.event.retprobe)
                return fail(offset, "RETVAL_ON_PROBE", "$retval is not available on probe",
                            "argument");
            // The uprobe parser takes anything that starts with "$retval" for it.
            if (name.size() == 6 || kind_ == trace_kind::uprobe) {
                arg.base = fetch_base::retval;
                return true;
            }
            if (kernel_side() && name[6] == '-')
                return parse_btf(arg, fetch, offset);
            return fail(offset, "BAD_VAR", "invalid $-variable specified", "$-variable");
        }
        if (name.starts_with("stack")) {
            std::string_view const number = name.substr(5);
            if (number.empty()) {
                arg.base = fetch_base::stack_pointer;
                return true;
            }
            if (!is_digit(number[0]) || !kstrtoull(number, 10, arg.value))
                return fail(offset, "BAD_VAR", "invalid $-variable specified", "$stackN");
            if (kernel_side() && arg.value > param_max_stack)
                return fail(offset, "BAD_STACK_NUM", "invalid stack number", "stack index");
            arg.base = fetch_base::stack;
            return true;
        }
        if (name == "comm" || name == "COMM") {
            arg.base = fetch_base::comm;
            arg.text = name;
            return true;
        }
        if (name.starts_with("arg")) {
            if (kernel_side() && name == "arg*")
                return fail(offset, "BAD_VAR_ARGS",
                            "$arg* must be an independent parameter without name etc.",
                            "argument");
            if (!kstrtoull(name.substr(3), 10, arg.value) || name[3] == '+')
                return fail(offset, "BAD_VAR", "invalid $-variable specified", "$argN");
            if (arg.value == 0 || arg.value > param_max_stack)
                return fail(offset, "BAD_ARG_NUM", "invalid argument number", "$argN");
            if (!entry_or_exit_)
                return fail(offset, "NOFENTRY_ARGS",
                            "$arg* can be used only on function entry or exit", "argument");
            arg.base = fetch_base::arg;
            return true;
        }
        if (name.starts_with("current") && kernel_side() && entry_or_exit_)
            return parse_btf(arg, fetch, offset);
        return fail(offset, "BAD_VAR", "invalid $-variable specified", "$-variable");
    }

    /// is_register() with the sets this kind of probe takes.
    bool known_register(std::string_view name) const noexcept
    {
#if defined(__aarch64__)
        bool const x86_64 = kind_ != trace_kind::uprobe, aarch64 = true;
#else
        bool const x86_64 = true, aarch64 = kind_ != trace_kind::uprobe;
#endif
        return is_register(name, x86_64, aarch64);
    }

    // e.g. "%di", "%r12"
    bool parse_register(trace_arg_view& arg, std::string_view fetch, std::size_t offset) noexcept
    {
        if (kind_ == trace_kind::eprobe || kind_ == trace_kind::fprobe ||
            kind_ == trace_kind::tprobe)
            return fail(offset, "BAD_VAR", "this probe cannot fetch registers", "argument");
        std::string_view const name = fetch.substr(1);
        if (!known_register(name))
            return fail(offset, "BAD_REG_NAME", "invalid register name", "register name");
        arg.base = fetch_base::reg;
        arg.text = name;
        return true;
    }

    // e.g. "@0x4010", "@+0x4010", "@jiffies", "@_sdata-10"
    bool parse_memory(trace_arg_view& arg, std::string_view fetch, std::size_t offset,
                      int& ops) noexcept
    {
        std::string_view const rest = fetch.substr(1);
        if (!rest.empty() && is_digit(rest[0])) {
            if (!kstrtoull(rest, 0, arg.value))
                return fail(offset, "BAD_MEM_ADDR", "invalid memory address", "address");
            arg.base = fetch_base::memory;
            ops += 2;
            return true;
        }
        if (!rest.empty() && rest[0] == '+') {
            if (kernel_side())
                return fail(offset, "FILE_ON_KPROBE",
                            "file offset is not available with kprobe", "argument");
            if (!kstrtoll(rest.substr(1), arg.offset))
                return fail(offset, "BAD_FILE_OFFS", "invalid file offset value",
                            "file offset");
            arg.base = fetch_base::file_offset;
            ops += 2;
            return true;
        }
        if (!kernel_side())
            return fail(offset, "SYM_ON_UPROBE", "symbol is not available with uprobe",
                        "address");
        // The kernel resolves "SYM[+-OFFS]" only when the probe is enabled; a name that
        // cannot be a symbol fails there.
        std::string_view symbol = rest;
        arg.has_offset = false;
        if (std::size_t const sign = rest.find_first_of("+-"); sign != rest.npos) {
            if (!kstrtoll(rest.substr(sign), arg.offset))
                return fail(offset, {}, "invalid symbol offset", "symbol offset");
            symbol = rest.substr(0, sign);
            arg.has_offset = true;
        }
        if (!matches_all(symbol, ksym))
            return fail(offset, {}, "a symbol name must follow '@'", "symbol");
        arg.base = fetch_base::symbol;
        arg.text = symbol;
        ops += 3;
        return true;
    }

    /// Where the kernel's offset stands after `+OFFS(`, relative to the '+': it drops a 'u'
    /// and a '+' from the text first, so the count is off by those ("+u0(" gives 3, not 4).
    static std::size_t deref_shift(std::string_view fetch, std::size_t open) noexcept
    {
        bool const user = fetch.size() > 1 && fetch[1] == 'u';
        std::size_t start = user ? 1 : 0;
        if (fetch[0] == '+')
            ++start;
        char const first = (user && start == 1) ? fetch[0] : fetch[start];
        return open + 1 - start + (first != '-' ? 1 : 0);
    }

    // e.g. "+8(%di)", "-0x10(%sp)", "+u0($stack1)"; the last ')' closes the dereference
    bool parse_deref(trace_arg_view& arg, std::string_view fetch, std::size_t offset,
                     int& ops) noexcept
    {
        bool const user = fetch.size() > 1 && fetch[1] == 'u';
        bool const minus = fetch[0] == '-';
        std::size_t const open = fetch.find('(');
        if (open == fetch.npos)
            return fail(offset, "DEREF_NEED_BRACE", "dereference needs a brace", "'('");
        // The kernel drops the 'u' and a '+' before reading the number.
        std::string_view number = fetch.substr(user ? 2 : 1, open - (user ? 2 : 1));
        std::int64_t value = 0;
        bool ok;
        if (minus) {
            // "-5" in full, as kstrtol reads it
            char buffer[max_argstr_len + 2];
            if (number.size() < sizeof buffer - 1) {
                buffer[0] = '-';
                std::memcpy(buffer + 1, number.data(), number.size());
                ok = kstrtoll(std::string_view(buffer, number.size() + 1), value);
            } else {
                ok = false;
            }
        } else {
            ok = kstrtoll(number, value);
        }
        if (!ok)
            return fail(offset, "BAD_DEREF_OFFS", "invalid dereference offset",
                        "dereference offset");

        std::size_t const inner_at = offset + deref_shift(fetch, open);
        std::string_view inside = fetch.substr(open + 1);
        std::size_t const close = inside.rfind(')');
        if (close == inside.npos)
            return fail(inner_at + inside.size(), "DEREF_OPEN_BRACE",
                        "dereference brace is not closed", "')'");
        std::string_view const trailing = inside.substr(close + 1);
        inside = inside.substr(0, close);

        std::size_t const depth_before = sink_.deref_count;
        if (!parse_fetch(arg, inside, inner_at, ops))
            return false;
        if (sink_.deref_count == depth_before &&
            (arg.base == fetch_base::comm || arg.base == fetch_base::string))
            return fail(inner_at, "COMM_CANT_DEREF", "$comm can not be dereferenced",
                        "argument");
        if (++ops > fetch_insn_slots)
            return fail(inner_at, "TOO_MANY_OPS", "dereference is too much nested",
                        "argument");
        if (sink_.deref_count >= sink_.derefs.size())
            return fail(offset, {}, "more dereferences than the storage holds", {},
                        error_kind::unsupported);
        sink_.derefs[sink_.deref_count++] = fetch_deref_view{value, user, trailing};
        return true;
    }

    // e.g. "\1234", "\-5", "\0x10", "\"hello\""
    bool parse_immediate(trace_arg_view& arg, std::string_view fetch, std::size_t offset) noexcept
    {
        if (fetch.size() > 1 && fetch[1] == '"') {
            std::string_view const quoted = fetch.substr(2);
            if (quoted.empty() || quoted.back() != '"')
                return fail(offset + 2 + quoted.size(), "IMMSTR_NO_CLOSE",
                            "string is not closed with '\"'", "'\"'");
            arg.base = fetch_base::string;
            arg.text = quoted.substr(0, quoted.size() - 1);
            return true;
        }
        std::string_view const number = fetch.substr(1);
        bool ok = false;
        if (!number.empty() && is_digit(number[0])) {
            ok = kstrtoull(number, 0, arg.value);
        } else if (!number.empty() && (number[0] == '-' || number[0] == '+')) {
            std::int64_t value = 0;
            ok = kstrtoll(number[0] == '+' ? number.substr(1) : number, value);
            arg.value = static_cast<std::uint64_t>(value);
            arg.negative = value < 0;
        }
        if (!ok)
            return fail(offset + 1, "BAD_IMM", "invalid immediate value", "immediate value");
        arg.base = fetch_base::immediate;
        return true;
    }

    // e.g. "file->f_mode", "(file)file->f_path.dentry", "$retval->name"
    // LIMITATION(L-031): a BTF expression is checked for its syntax and kept as text; what
    // needs the kernel's BTF (the types of arguments, fields, return values) is not checked.
    bool parse_btf(trace_arg_view& arg, std::string_view fetch, std::size_t offset) noexcept
    {
        if (!kernel_side() || !entry_or_exit_)
            return fail(offset, "NOSUP_BTFARG", "BTF is not available or not supported",
                        "argument");
        for (std::size_t i = 0; i < fetch.size(); ++i)
            if (fetch[i] == '-' && (i + 1 == fetch.size() || fetch[i + 1] != '>'))
                return fail(offset + i, "BAD_HYPHEN", "failed to parse '->' operator",
                            "'->'");
        if (!matches_all(fetch, btf_expr))
            return fail(offset, "BAD_BTF_TID", "invalid BTF expression", "BTF expression");
        arg.base = fetch_base::btf;
        arg.text = fetch;
        return true;
    }

    /// finalize_fetch_insn(): what the type needs from the fetch.
    bool finish_arg(trace_arg_view const& arg, std::string_view type_text, bool has_type,
                    std::size_t body_at, std::size_t shift, int ops) noexcept
    {
        using k = fetch_type_kind;
        std::size_t const type_at = (has_type ? at(type_text) : body_at) + shift;
        bool const is_btf = arg.base == fetch_base::btf;
        bool const from_memory = !arg.derefs.empty() || arg.base == fetch_base::memory ||
                                 arg.base == fetch_base::file_offset ||
                                 arg.base == fetch_base::symbol;
        auto const kind = arg.type.kind;
        bool const stringish =
            kind == k::string || kind == k::user_string || kind == k::symbol_string;
        if (stringish && !is_btf && !from_memory && arg.base != fetch_base::immediate &&
            arg.base != fetch_base::comm && arg.base != fetch_base::string &&
            arg.base != fetch_base::event_field)
            return fail(type_at, "BAD_STRING", "string accepts only memory argument", "type");
        // An array is read from kernel memory, or as strings (a user-memory read of an
        // array of integers is refused).
        bool const user_last = !arg.derefs.empty() && arg.derefs.back().user;
        bool const string_array = kind == k::string || kind == k::user_string;
        if (arg.type.array_count != 0 && !is_btf && !string_array &&
            (!from_memory || user_last))
            return fail(type_at, "BAD_STRING", "string accepts only memory argument", "type");

        if (kind == k::bitfield) {
            // e.g. "b4@4/32": WIDTH@OFFSET/CONTAINER, WIDTH + OFFSET within the container
            std::size_t used = 0;
            std::string_view rest = type_text.substr(1);
            std::uint64_t const width = simple_strtoul(rest, used);
            if (width == 0 || used >= rest.size() || rest[used] != '@')
                return fail(type_at, "BAD_BITFIELD", "invalid bitfield", "bitfield");
            rest = rest.substr(used + 1);
            std::uint64_t const bit_offset = simple_strtoul(rest, used);
            if (used == 0 || used >= rest.size() || rest[used] != '/' ||
                width > 64 || bit_offset > 64 || width + bit_offset > arg.type.bits)
                return fail(type_at, "BAD_BITFIELD", "invalid bitfield", "bitfield");
            auto& type = const_cast<trace_arg_view&>(arg).type;
            type.bit_width = static_cast<std::uint8_t>(width);
            type.bit_offset = static_cast<std::uint8_t>(bit_offset);
        }

        // The store, a bitfield and an array loop each take one more instruction, except
        // that a store replaces a final dereference.
        if (!is_btf) {
            int total = ops + (arg.derefs.empty() && !from_memory ? 1 : 0);
            total += kind == k::bitfield ? 1 : 0;
            total += arg.type.array_count != 0 ? 1 : 0;
            if (total > fetch_insn_slots)
                return fail(body_at + shift, "TOO_MANY_OPS", "dereference is too much nested",
                            "argument");
        }
        return true;
    }

    std::string_view text_;
    trace_kind kind_;
    trace_sink& sink_;
#if defined(__SSE2__)
    line_chunks chunks_;
#endif
    std::size_t pos_ = 0;
    word_marks marks_;       ///< of the last word next_word() returned
    word_marks place_marks_; ///< of the place word
    std::size_t first_arg_at_ = 0;
    bool entry_or_exit_ = false; ///< the place is a function entry or exit ($argN, BTF)
    bool used_all_args_ = false; ///< "$arg*" was seen
    bool named_like_default_ = false; ///< an argument was named "arg..." explicitly
    std::string_view deferred_name_;  ///< `[GROUP/]EVENT`, checked after the place
    std::size_t deferred_name_at_ = 0;
    bool deferred_group_only_ok_ = false;
    bool has_deferred_name_ = false;
    parse_error error_{};
};

/// Parses `text` as a line for `kind` into `sink`; returns the first error, if any.
inline std::optional<parse_error> parse_line(std::string_view text, trace_kind kind,
                                             trace_sink& sink) noexcept
{
    return line_parser(text, kind, sink).run();
}

} // namespace probekit::grammar::trace
