// Build-ids: the key of the probe cache. A binary's build-id is the payload of its GNU
// build-id note (`NT_GNU_BUILD_ID`, owner "GNU"), typically a 20-byte SHA1; the cache and
// perf print it as lower-case hex. The kernel publishes its own notes in /sys/kernel/notes.
//
//   read_build_id("/usr/bin/true")        -> "f1f9d9d624d472f063856d6f7bc7714426ff4ec7"
//   read_kernel_build_id()                -> the running kernel's, from /sys/kernel/notes
//
// ELF files are read with elfutils (`dwelf_elf_gnu_build_id`), so this part needs
// `probekit::libdw`; the hex conversions and the kernel notes reader need nothing.
#pragma once

#include <probekit/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#ifdef PROBEKIT_HAS_LIBDW
#include <elfutils/libdwelf.h>
#include <libelf.h>
#endif

namespace probekit {

/// A build-id: up to 64 bytes (perf's BUILD_ID_SIZE is 20; larger notes are rare but legal).
class build_id {
public:
    static constexpr std::size_t max_size = 64;

    build_id() = default;

    /// Requires: `bytes.size() <= max_size` (longer input is cut).
    explicit build_id(std::basic_string_view<std::uint8_t> bytes) noexcept
        : size_(bytes.size() < max_size ? bytes.size() : max_size)
    {
        std::memcpy(bytes_.data(), bytes.data(), size_);
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::uint8_t const* data() const noexcept { return bytes_.data(); }

    /// Lower-case hex, as perf names cache directories. Complexity: linear.
    std::string hex() const
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(size_ * 2, '0');
        for (std::size_t i = 0; i < size_; ++i) {
            out[2 * i] = digits[bytes_[i] >> 4];
            out[2 * i + 1] = digits[bytes_[i] & 0xf];
        }
        return out;
    }

    friend bool operator==(build_id const& a, build_id const& b) noexcept
    {
        return a.size_ == b.size_ && std::memcmp(a.data(), b.data(), a.size_) == 0;
    }

private:
    std::array<std::uint8_t, max_size> bytes_{};
    std::size_t size_ = 0;
};

/// Parses hex text (either case, even length, at most 128 digits) into a build-id.
/// Errors: invalid, at the first bad digit.
inline result<build_id> parse_build_id(std::string_view hex) noexcept
{
    auto const nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * build_id::max_size)
        return parse_error{error_kind::invalid, 0, hex.size(), "build-id",
                           "a build-id is an even number of hex digits (at most 128)", {}};
    std::array<std::uint8_t, build_id::max_size> bytes{};
    for (std::size_t i = 0; i < hex.size(); ++i) {
        int const v = nibble(hex[i]);
        if (v < 0)
            return parse_error{error_kind::invalid, i, 1, "hex digit",
                               "a build-id holds only hex digits", {}};
        bytes[i / 2] = static_cast<std::uint8_t>(bytes[i / 2] << 4 | v);
    }
    return build_id({bytes.data(), hex.size() / 2});
}

/// Finds the GNU build-id note in a sequence of ELF notes (the raw layout of a PT_NOTE
/// segment or of /sys/kernel/notes: namesz, descsz, type, name and desc padded to 4).
/// Errors: not_found when no such note; invalid when a note runs past the end.
inline result<build_id> find_build_id_note(std::basic_string_view<std::uint8_t> notes) noexcept
{
    constexpr std::uint32_t nt_gnu_build_id = 3;
    auto const align4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
    std::size_t pos = 0;
    while (notes.size() - pos >= 12) {
        std::uint32_t head[3];
        std::memcpy(head, notes.data() + pos, sizeof head);
        std::size_t const name_at = pos + 12;
        std::size_t const desc_at = name_at + align4(head[0]);
        std::size_t const next = desc_at + align4(head[1]);
        if (head[0] > notes.size() || head[1] > notes.size() || next > notes.size())
            return parse_error{error_kind::invalid, pos, 12, "ELF note",
                               "an ELF note runs past the end of the notes", {}};
        if (head[2] == nt_gnu_build_id && head[0] == 4 &&
            std::memcmp(notes.data() + name_at, "GNU", 4) == 0)
            return build_id(notes.substr(desc_at, head[1]));
        pos = next;
    }
    return parse_error{error_kind::not_found, 0, 0, "GNU build-id note",
                       "there is no GNU build-id note", {}};
}

/// The running kernel's build-id, from its notes file.
/// Errors: io when the file cannot be read; see `find_build_id_note`.
inline result<build_id> read_kernel_build_id(char const* notes_path = "/sys/kernel/notes")
{
    int const fd = ::open(notes_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return parse_error{error_kind::io, 0, 0, {}, "cannot open the kernel notes", {}};
    std::basic_string<std::uint8_t> data;
    std::uint8_t chunk[4096];
    for (;;) {
        ssize_t const n = ::read(fd, chunk, sizeof chunk);
        if (n < 0) {
            ::close(fd);
            return parse_error{error_kind::io, 0, 0, {}, "cannot read the kernel notes", {}};
        }
        if (n == 0)
            break;
        data.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return find_build_id_note(data);
}

#ifdef PROBEKIT_HAS_LIBDW
/// The build-id of the ELF file at `path`, from its GNU build-id note (via elfutils).
/// Errors: io when the file cannot be opened; invalid when it is not ELF; not_found when
/// it has no build-id note. Complexity: elfutils reads the section/program headers only.
inline result<build_id> read_build_id(char const* path)
{
    int const fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return parse_error{error_kind::io, 0, 0, {}, "cannot open the file", {}};
    elf_version(EV_CURRENT);
    Elf* const elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    if (elf == nullptr || elf_kind(elf) != ELF_K_ELF) {
        if (elf != nullptr)
            elf_end(elf);
        ::close(fd);
        return parse_error{error_kind::invalid, 0, 0, "ELF file", "not an ELF file", {}};
    }
    void const* bytes = nullptr;
    ssize_t const size = dwelf_elf_gnu_build_id(elf, &bytes);
    result<build_id> id = parse_error{error_kind::not_found, 0, 0, "GNU build-id note",
                                      "the file has no GNU build-id note", {}};
    if (size > 0)
        id = build_id({static_cast<std::uint8_t const*>(bytes), static_cast<std::size_t>(size)});
    elf_end(elf);
    ::close(fd);
    return id;
}
#endif

} // namespace probekit
