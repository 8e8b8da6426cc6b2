// SDT notes read with libelf from the fixtures built from tests/data/sdt (at -O0 and -O2):
// names and sites, perf's file offsets (checked against the program headers), the
// semaphore's offset (checked against its symbol), a note moved as a prelinker would leave
// it, the in-memory reader, and the import into a probe cache.
#include <probekit/elf/sdt_notes.hpp>

#include <probekit/cache.hpp>
#include <probekit/cache/sdt_import.hpp>
#include <probekit/sdt_probe.hpp>
#include <probekit/store/memory.hpp>

#define BOOST_TEST_MODULE sdt_notes
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

using namespace probekit;

namespace {

std::string fixture(std::string const& name)
{
    return std::string(PROBEKIT_SDT_FIXTURE_DIR) + "/" + name;
}

std::vector<char> read_bytes(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Facts about a binary computed independently of the reader: through program headers
/// and the symbol table.
struct elf_facts {
    std::vector<char> bytes;
    Elf* elf = nullptr;

    explicit elf_facts(std::string const& path) : bytes(read_bytes(path))
    {
        elf_version(EV_CURRENT);
        elf = elf_memory(bytes.data(), bytes.size());
    }
    ~elf_facts() { elf_end(elf); }

    /// The file offset of a virtual address, through the PT_LOAD that maps it.
    std::optional<std::uint64_t> file_offset(std::uint64_t vaddr) const
    {
        std::size_t count = 0;
        elf_getphdrnum(elf, &count);
        for (std::size_t i = 0; i < count; ++i) {
            GElf_Phdr ph;
            if (gelf_getphdr(elf, static_cast<int>(i), &ph) != nullptr && ph.p_type == PT_LOAD &&
                vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz)
                return vaddr - ph.p_vaddr + ph.p_offset;
        }
        return std::nullopt;
    }

    /// The value of symbol `name` in .symtab.
    std::optional<std::uint64_t> symbol(std::string_view name) const
    {
        for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
            GElf_Shdr sh;
            if (gelf_getshdr(scn, &sh) == nullptr || sh.sh_type != SHT_SYMTAB)
                continue;
            Elf_Data* data = elf_getdata(scn, nullptr);
            for (std::size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
                GElf_Sym sym;
                gelf_getsym(data, static_cast<int>(i), &sym);
                char const* n = elf_strptr(elf, sh.sh_link, sym.st_name);
                if (n != nullptr && name == n)
                    return sym.st_value;
            }
        }
        return std::nullopt;
    }
};

std::vector<sdt_note> notes_of(std::string const& path)
{
    auto notes = read_sdt_notes(path.c_str());
    BOOST_TEST_REQUIRE(notes.has_value(), path << ": " << notes.error().message);
    return *notes;
}

std::size_t count_named(std::vector<sdt_note> const& notes, std::string_view name)
{
    return std::count_if(notes.begin(), notes.end(),
                         [&](sdt_note const& n) { return n.name == name; });
}

} // namespace

BOOST_AUTO_TEST_SUITE(sdt_notes)

BOOST_AUTO_TEST_CASE(the_fixture_notes_are_read_in_file_order_with_both_sites_of_a_name)
{
    for (auto const* level : {"O0", "O2"}) {
        auto const notes = notes_of(fixture(std::string("sdt-") + level));
        BOOST_TEST_REQUIRE(notes.size() == 6u);
        BOOST_TEST(notes[0].provider == "pkfix");
        BOOST_TEST(notes[0].name == "values");
        BOOST_TEST(count_named(notes, "twice") == 2u);
        BOOST_TEST(count_named(notes, "guarded") == 1u);
        for (auto const& n : notes)
            BOOST_TEST(!n.args.empty(), n.name); // even the constant: "-4@$42"
    }
}

BOOST_AUTO_TEST_CASE(addresses_are_file_offsets_as_the_program_headers_give_them)
{
    for (auto const* level : {"O0", "O2"}) {
        std::string const path = fixture(std::string("sdt-") + level);
        elf_facts const facts(path);
        for (auto const& n : notes_of(path)) {
            auto const offset = facts.file_offset(n.note_pc);
            BOOST_TEST_REQUIRE(offset.has_value());
            BOOST_TEST(n.pc == *offset, n.name);
        }
    }
}

BOOST_AUTO_TEST_CASE(only_the_guarded_probe_has_a_semaphore_at_its_symbols_offset)
{
    std::string const path = fixture("sdt-O2");
    elf_facts const facts(path);
    auto const symbol = facts.symbol("pkfix_guarded_semaphore");
    BOOST_TEST_REQUIRE(symbol.has_value());
    auto const offset = facts.file_offset(*symbol);
    BOOST_TEST_REQUIRE(offset.has_value());
    for (auto const& n : notes_of(path)) {
        BOOST_TEST((n.semaphore != 0) == (n.name == "guarded"), n.name);
        if (n.name == "guarded") {
            BOOST_TEST(n.note_semaphore == *symbol);
            BOOST_TEST(n.semaphore == *offset);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_note_whose_base_moved_is_moved_back_as_prelink_leaves_it)
{
    // A prelinked binary keeps the link-time PC and BASE in its notes while its sections
    // move; here the note says both are 0x10000 higher: the address must not change.
    std::string const path = fixture("sdt-O2");
    auto bytes = read_bytes(path);
    auto const before = notes_of(path);
    std::uint64_t const pair[2] = {before[0].note_pc, before[0].note_base};
    auto const at = std::search(bytes.begin(), bytes.end(), reinterpret_cast<char const*>(pair),
                                reinterpret_cast<char const*>(pair) + sizeof pair);
    BOOST_TEST_REQUIRE((at != bytes.end()));
    std::uint64_t const moved[2] = {pair[0] + 0x10000, pair[1] + 0x10000};
    std::memcpy(&*at, moved, sizeof moved);

    auto const after = read_sdt_notes(std::span<char const>(bytes));
    BOOST_TEST_REQUIRE(after.has_value());
    BOOST_TEST((*after)[0].note_pc == before[0].note_pc + 0x10000);
    BOOST_TEST((*after)[0].pc == before[0].pc);

    // Only the base moved: the probe is 0x10000 lower, as perf computes it.
    std::uint64_t const base_only[2] = {pair[0], pair[1] + 0x10000};
    std::memcpy(&*at, base_only, sizeof base_only);
    auto const lowered = read_sdt_notes(std::span<char const>(bytes));
    BOOST_TEST_REQUIRE(lowered.has_value());
    BOOST_TEST((*lowered)[0].pc == before[0].pc - 0x10000);
}

BOOST_AUTO_TEST_CASE(the_memory_reader_sees_what_the_file_reader_sees)
{
    std::string const path = fixture("sdt-odd");
    auto const from_file = notes_of(path);
    auto const bytes = read_bytes(path);
    auto const from_memory = read_sdt_notes(std::span<char const>(bytes));
    BOOST_TEST_REQUIRE(from_memory.has_value());
    BOOST_TEST_REQUIRE(from_memory->size() == from_file.size());
    for (std::size_t i = 0; i < from_file.size(); ++i) {
        BOOST_TEST((*from_memory)[i].args == from_file[i].args);
        BOOST_TEST((*from_memory)[i].pc == from_file[i].pc);
    }
}

BOOST_AUTO_TEST_CASE(files_without_notes_and_non_elf_files)
{
    auto const self = read_sdt_notes("/proc/self/exe");
    BOOST_TEST_REQUIRE(self.has_value());
    BOOST_TEST(self->empty());
    auto const text = read_sdt_notes(std::string(PROBEKIT_TEST_DATA_DIR "/sdt/sdt_odd.c").c_str());
    BOOST_TEST_REQUIRE(!text.has_value());
    BOOST_TEST(text.error().kind == error_kind::invalid);
    auto const missing = read_sdt_notes("/nonexistent/probekit");
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().kind == error_kind::io);
    BOOST_TEST(missing.error().code == "ENOENT");
    char const garbage[] = "\177ELF garbage";
    BOOST_TEST(!read_sdt_notes(std::span<char const>(garbage, sizeof garbage)).has_value());
}

BOOST_AUTO_TEST_CASE(entries_merge_the_sites_of_a_name_and_sort_their_lines)
{
    auto const entries = list_sdt_probes(fixture("sdt-O2").c_str(), sdt_arch::x86_64);
    BOOST_TEST_REQUIRE(entries.has_value());
    BOOST_TEST_REQUIRE(entries->size() == 5u);
    auto const& twice = (*entries)[3];
    BOOST_TEST(twice.spec == "sdt_pkfix:twice=twice");
    BOOST_TEST_REQUIRE(twice.lines.size() == 2u);
    BOOST_TEST(twice.lines[0] < twice.lines[1]);
    auto const& guarded = (*entries)[4];
    BOOST_TEST(guarded.lines.at(0).find("(0x") != std::string::npos);
    BOOST_TEST((*entries)[1].lines.at(0).find(" arg") == std::string::npos); // constant
}

BOOST_AUTO_TEST_CASE(a_note_with_a_bad_size_gives_no_entries)
{
    auto const entries = list_sdt_probes(fixture("sdt-odd-bad").c_str(), sdt_arch::x86_64);
    BOOST_TEST_REQUIRE(!entries.has_value());
    BOOST_TEST(entries.error().kind == error_kind::invalid);
}

BOOST_AUTO_TEST_CASE(importing_twice_into_a_cache_changes_nothing)
{
    std::string const path = fixture("sdt-O0");
    auto const notes = notes_of(path);
    std::string file = "#area x\np:probe_app/area /bin/app:0x10 x=%di:s32\n";
    {
        basic_probe_cache<memory_store> cache{memory_store(file)};
        BOOST_TEST_REQUIRE(cache.load().has_value());
        auto const imported = import_sdt_notes(cache, notes, path, sdt_arch::x86_64);
        BOOST_TEST_REQUIRE(imported.has_value());
        BOOST_TEST(*imported == 5u);
        BOOST_TEST_REQUIRE(cache.commit().has_value());
    }
    BOOST_TEST(file.starts_with("#area x\n"));
    BOOST_TEST(file.find("\n%sdt_pkfix:values=values\np:sdt_pkfix/values " + path) !=
               std::string::npos);
    std::string const once = file;
    {
        basic_probe_cache<memory_store> cache{memory_store(file)};
        BOOST_TEST_REQUIRE(cache.load().has_value());
        BOOST_TEST_REQUIRE(import_sdt_notes(cache, notes, path, sdt_arch::x86_64).has_value());
        BOOST_TEST(!cache.dirty());
        BOOST_TEST_REQUIRE(cache.commit().has_value());
    }
    BOOST_TEST(file == once);
}

BOOST_AUTO_TEST_CASE(a_failed_import_leaves_the_cache_as_it_was)
{
    std::string const path = fixture("sdt-odd-bad");
    auto const notes = notes_of(path);
    std::string file;
    basic_probe_cache<memory_store> cache{memory_store(file)};
    BOOST_TEST_REQUIRE(cache.load().has_value());
    BOOST_TEST(!import_sdt_notes(cache, notes, path, sdt_arch::x86_64).has_value());
    BOOST_TEST(!cache.dirty());
}

BOOST_AUTO_TEST_SUITE_END()
