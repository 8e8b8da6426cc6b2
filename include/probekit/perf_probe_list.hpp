// Many parsed perf-probe commands, kept compactly.
//
//   probekit::perf_probe_list probes;
//   for (auto const& line : lines)
//       if (auto kept = probes.add(line); !kept)
//           report(kept.error());
//   probekit::perf_probe_storage storage;
//   for (std::size_t i = 0; i < probes.size(); ++i)
//       probekit::synthesize_perf_probe(probes.view(i, storage), out, "probe_app");
//
// A vector of `perf_probe_event` spends an allocation per argument list, per field chain
// and per long string: about 500 bytes a command, spread over the heap, so a pass over a
// million of them waits on memory more than it works. A list packs each command into one
// record in an arena (`std::pmr::monotonic_buffer_resource`): a copy of its text, then its
// parts, each string as a 16-bit offset and size into that copy. `malloc $params` takes 67
// bytes with its index entry; the generated benchmark corpus 87 a command (125 on the heap,
// see `memory_used()`). `view()` unpacks a record into the `perf_probe_view` a parse gives,
// its arguments in caller storage.
#pragma once

#include <probekit/config.hpp>
#include <probekit/error.hpp>
#include <probekit/perf_probe.hpp>
#include <probekit/perf_probe_event.hpp>

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <memory_resource>
#include <string_view>
#include <utility>
#include <vector>

namespace probekit {

namespace detail {

/// Measures a record (`bytes == nullptr`) or writes it: one sequence of calls does both.
class record_writer {
public:
    explicit record_writer(std::byte* bytes = nullptr) noexcept : bytes_(bytes) {}

    template <typename T>
    void put(T value) noexcept
    {
        if (bytes_)
            std::memcpy(bytes_ + size_, &value, sizeof value);
        size_ += sizeof value;
    }
    void put_text(std::string_view text) noexcept
    {
        if (bytes_ && !text.empty())
            std::memcpy(bytes_ + size_, text.data(), text.size());
        size_ += text.size();
    }
    std::size_t size() const noexcept { return size_; }

private:
    std::byte* bytes_;
    std::size_t size_ = 0;
};

/// Reads a record back in the order it was written.
class record_reader {
public:
    explicit record_reader(std::byte const* bytes) noexcept : bytes_(bytes) {}

    template <typename T>
    T get() noexcept
    {
        T value;
        std::memcpy(&value, bytes_, sizeof value);
        bytes_ += sizeof value;
        return value;
    }
    char const* take_text(std::size_t size) noexcept
    {
        auto const* text = reinterpret_cast<char const*>(bytes_);
        bytes_ += size;
        return text;
    }

private:
    std::byte const* bytes_;
};

} // namespace detail

class perf_probe_list {
public:
    /// The longest command a list keeps. The kernel takes probe definitions of at most
    /// 4 KiB (its write buffer for `uprobe_events`), so no usable command comes near it.
    static constexpr std::size_t max_command_size = std::numeric_limits<std::uint16_t>::max();

    perf_probe_list() noexcept = default;
    /// A moved-from list is empty, and takes commands again.
    perf_probe_list(perf_probe_list&& other) noexcept
        : arena_(std::move(other.arena_)), scratch_(std::move(other.scratch_)),
          records_(std::exchange(other.records_, {})),
          record_bytes_(std::exchange(other.record_bytes_, 0))
    {
    }
    perf_probe_list& operator=(perf_probe_list&& other) noexcept
    {
        arena_ = std::move(other.arena_);
        scratch_ = std::move(other.scratch_);
        records_ = std::exchange(other.records_, {});
        record_bytes_ = std::exchange(other.record_bytes_, 0);
        return *this;
    }

    /// Parses `text` and keeps the command, which the input need not outlive. Returns the
    /// command's index; on an error nothing is kept. Errors: those of `parse_perf_probe`,
    /// and `unsupported` for a command over `max_command_size` bytes.
    /// Complexity: linear in the length of `text`. Allocates the arena's blocks, the first
    /// time the parse scratch, and without `reserve()` the index as it grows.
    result<std::size_t> add(std::string_view text)
    {
        if (text.size() > max_command_size)
            return parse_error{error_kind::unsupported, max_command_size, 0,
                               "a command of at most 65535 bytes",
                               "the command is too long to keep in a list", {}};
        if (!arena_) { // made on first use, so that an empty or moved-from list owns nothing
            arena_ = std::make_unique<std::pmr::monotonic_buffer_resource>();
            scratch_ = std::make_unique<perf_probe_storage>();
        }
        auto const parsed = parse_perf_probe(text, *scratch_);
        if (!parsed)
            return parsed.error();
        detail::record_writer measure;
        pack(measure, *parsed, text);
        auto* const record =
            static_cast<std::byte*>(arena_->allocate(measure.size(), alignof(std::byte)));
        detail::record_writer write(record);
        pack(write, *parsed, text);
        records_.push_back(record);
        record_bytes_ += measure.size();
        return records_.size() - 1;
    }

    /// Command `i` as a view: strings into the list, arguments and fields in `storage`
    /// (which holds any command a parse accepts). Valid while the list is unchanged and
    /// `storage` is not reused. Allocates nothing.
    perf_probe_view view(std::size_t i, perf_probe_storage& storage) const noexcept
    {
        assert(i < records_.size());
        // A pass mostly goes front to back: the record a few ahead is asked for early, so it
        // is at hand when its turn comes.
        if (i + prefetch_distance < records_.size())
            __builtin_prefetch(records_[i + prefetch_distance]);
        return unpack(records_[i], storage);
    }

    /// Room for `commands` commands without regrowing the index (the arena grows by itself,
    /// a block at a time).
    void reserve(std::size_t commands) { records_.reserve(commands); }

    /// Forgets every command and gives the arena's memory back.
    void clear() noexcept
    {
        records_.clear();
        if (arena_)
            arena_->release();
        record_bytes_ = 0;
    }

    std::size_t size() const noexcept { return records_.size(); }
    bool empty() const noexcept { return records_.empty(); }
    /// Bytes the kept commands take: their records and their entries in the index. The
    /// heap holds more: the arena's last block is partly empty, the index has spare room,
    /// and the parse scratch takes 30 KiB (1M generated commands: 87 bytes a command here,
    /// 125 on the heap).
    std::size_t memory_used() const noexcept
    {
        return record_bytes_ + records_.size() * sizeof(std::byte const*);
    }

private:
    // Record: u16 text size, the text, u16 point flags, u16 argument count, the six point
    // strings as (u16 offset, u16 size), the numbers present as u64;
    // then per argument: u8 flags, u16 field count, its three strings, and per field: u8
    // access, the name, and for `[N]` the index as i64.
    static constexpr std::size_t prefetch_distance = 16;
    static_assert(PROBEKIT_MAX_PROBE_ARGS <= 0xffff && PROBEKIT_MAX_PROBE_FIELDS <= 0xffff);

    enum point_flag : std::uint16_t {
        has_function = 1 << 0,
        has_file = 1 << 1,
        has_lazy = 1 << 2,
        is_address = 1 << 3,
        retprobe = 1 << 4,
        is_sdt = 1 << 5,
        has_sdt_target = 1 << 6,
        has_line = 1 << 7,
        has_offset = 1 << 8,
        has_address = 1 << 9,
        naming_shift = 10, // two bits of `event_naming`
    };
    enum arg_flag : std::uint8_t {
        has_name = 1 << 0,
        has_type = 1 << 1,
        user_access = 1 << 2,
    };

    static void put_piece(detail::record_writer& out, std::string_view s, char const* text)
    {
        // an empty string may point anywhere, or nowhere
        out.put(static_cast<std::uint16_t>(s.empty() ? 0 : s.data() - text));
        out.put(static_cast<std::uint16_t>(s.size()));
    }
    static std::string_view get_piece(detail::record_reader& in, char const* text) noexcept
    {
        auto const offset = in.get<std::uint16_t>();
        return {text + offset, in.get<std::uint16_t>()};
    }

    static void pack(detail::record_writer& out, perf_probe_view const& parsed,
                     std::string_view text);
    static void pack_arg(detail::record_writer& out, probe_arg_view const& a, char const* text);
    static perf_probe_view unpack(std::byte const* record, perf_probe_storage& storage) noexcept;

    // Behind pointers, so a list can move: the arena object cannot, and the 30 KiB of parse
    // scratch would make every move a large copy. Both are null until the first add.
    std::unique_ptr<std::pmr::monotonic_buffer_resource> arena_;
    std::unique_ptr<perf_probe_storage> scratch_;
    std::vector<std::byte const*> records_;
    std::size_t record_bytes_ = 0;
};

inline void perf_probe_list::pack(detail::record_writer& out, perf_probe_view const& parsed,
                                  std::string_view text)
{
    auto const& p = parsed.point;
    std::uint16_t flags = static_cast<std::uint16_t>(static_cast<unsigned>(p.naming)
                                                     << naming_shift);
    auto const flag = [&](bool on, point_flag f) { flags |= on ? f : 0; };
    flag(p.has_function, has_function);
    flag(p.has_file, has_file);
    flag(p.has_lazy, has_lazy);
    flag(p.is_address, is_address);
    flag(p.retprobe, retprobe);
    flag(p.is_sdt, is_sdt);
    flag(p.has_sdt_target, has_sdt_target);
    flag(p.line != 0, has_line);
    flag(p.offset != 0, has_offset);
    flag(p.address != 0, has_address);

    out.put(static_cast<std::uint16_t>(text.size()));
    out.put_text(text);
    out.put(flags);
    out.put(static_cast<std::uint16_t>(parsed.args.size()));
    // Every string of a parse is a piece of its text. All six are written, so reading them
    // back is straight-line code.
    for (auto const s : {p.group, p.event, p.function, p.file, p.lazy, p.sdt_target})
        put_piece(out, s, text.data());
    for (auto const number : {p.line, p.offset, p.address})
        if (number)
            out.put(number);
    for (auto const& a : parsed.args)
        pack_arg(out, a, text.data());
}

inline void perf_probe_list::pack_arg(detail::record_writer& out, probe_arg_view const& a,
                                      char const* text)
{
    std::uint8_t flags = 0;
    auto const flag = [&](bool on, arg_flag f) { flags |= on ? f : 0; };
    flag(a.has_name, has_name);
    flag(a.has_type, has_type);
    flag(a.user_access, user_access);
    out.put(flags);
    out.put(static_cast<std::uint16_t>(a.fields.size()));
    // All three, so reading them back takes no branch a mix of arguments would mispredict.
    for (auto const s : {a.name, a.var, a.type})
        put_piece(out, s, text);
    for (auto const& f : a.fields) {
        out.put(static_cast<std::uint8_t>(f.access));
        put_piece(out, f.name, text);
        if (f.access == field_access::index)
            out.put(f.index);
    }
}

inline perf_probe_view perf_probe_list::unpack(std::byte const* record,
                                               perf_probe_storage& storage) noexcept
{
    detail::record_reader in(record);
    char const* const text = in.take_text(in.get<std::uint16_t>());
    auto const flags = in.get<std::uint16_t>();
    auto const arg_count = in.get<std::uint16_t>();

    perf_probe_view v;
    auto& p = v.point;
    // Each flag by name: a loop over a table of member pointers, here and in `pack`, made
    // synthesis from a list 8% slower (bench_perf_probe, 1M generated commands).
    p.naming = static_cast<event_naming>(flags >> naming_shift & 3);
    p.has_function = flags & has_function;
    p.has_file = flags & has_file;
    p.has_lazy = flags & has_lazy;
    p.is_address = flags & is_address;
    p.retprobe = flags & retprobe;
    p.is_sdt = flags & is_sdt;
    p.has_sdt_target = flags & has_sdt_target;
    p.group = get_piece(in, text);
    p.event = get_piece(in, text);
    p.function = get_piece(in, text);
    p.file = get_piece(in, text);
    p.lazy = get_piece(in, text);
    p.sdt_target = get_piece(in, text);
    p.line = flags & has_line ? in.get<std::uint64_t>() : 0;
    p.offset = flags & has_offset ? in.get<std::uint64_t>() : 0;
    p.address = flags & has_address ? in.get<std::uint64_t>() : 0;

    // A parse accepted these, with storage of the same size: they fit.
    probe_field_view* fields = storage.fields.data();
    for (std::size_t i = 0; i < arg_count; ++i) {
        auto& arg = storage.args[i];
        auto const arg_flags = in.get<std::uint8_t>();
        auto const field_count = in.get<std::uint16_t>();
        arg.has_name = arg_flags & has_name;
        arg.has_type = arg_flags & has_type;
        arg.user_access = arg_flags & user_access;
        arg.name = get_piece(in, text);
        arg.var = get_piece(in, text);
        arg.type = get_piece(in, text);
        for (std::size_t f = 0; f < field_count; ++f) {
            auto const access = static_cast<field_access>(in.get<std::uint8_t>());
            auto const name = get_piece(in, text);
            auto const index = access == field_access::index ? in.get<std::int64_t>() : 0;
            fields[f] = {access, name, index};
        }
        arg.fields = {fields, field_count};
        fields += field_count;
    }
    v.args = {storage.args.data(), arg_count};
    return v;
}

} // namespace probekit
