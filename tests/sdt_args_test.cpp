// SDT argument specs: every row of sdt-args.tsv (the vendored copy of the shared corpus),
// the reasons and positions, and the same rows through `probekit parse sdt-args --file`.
#include <probekit/sdt_args.hpp>

#include "support/tsv.hpp"

#define BOOST_TEST_MODULE sdt_args
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace probekit;

namespace {

/// The fetch args of a note as `probekit parse sdt-args` prints them.
std::string converted(std::string_view note, sdt_arch arch = sdt_arch::x86_64)
{
    auto const args = convert_sdt_args(note, arch);
    if (!args)
        return "ERROR";
    std::string out;
    synthesize_sdt_args(*args, out);
    return out.empty() ? out : out.substr(1);
}

/// A row's arch; ppc64le has no conversion in probekit (perf's fallback: skip all).
sdt_arch row_arch(std::string const& name)
{
    return parse_sdt_arch(name).value_or(sdt_arch::other);
}

/// What a row expects, in the CLI's form: a one-spec row names the fetch of `arg1`; a
/// whole-note row spells out its `argN=` list.
std::string expected_output(test::tsv_row const& row)
{
    std::string const& want = row["expected_fetcharg"];
    if (want.empty() || want == "ERROR" || want.starts_with("arg"))
        return want;
    return "arg1=" + want;
}

/// A row of several specs (an aarch64 `[sp, 8]` is one) with an empty expectation asks
/// only that the note converts (bcc's "parser must make progress" rows): perf's result
/// for it is not recorded.
bool only_progress(test::tsv_row const& row)
{
    auto const specs = convert_sdt_args(row["sdt_arg"], sdt_arch::aarch64);
    return row["expected_fetcharg"].empty() && specs && specs->size() > 1;
}

std::vector<test::tsv_row> const& rows()
{
    static auto const all = test::read_tsv(test::corpus_path("sdt-args.tsv"));
    return all;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sdt_args)

BOOST_AUTO_TEST_CASE(every_corpus_row_converts_as_perf_does)
{
    BOOST_TEST_REQUIRE(rows().size() >= 60u);
    std::size_t passed = 0;
    for (auto const& row : rows()) {
        std::string const got = converted(row["sdt_arg"], row_arch(row["arch"]));
        if (only_progress(row)) {
            BOOST_TEST(got != "ERROR", "line " << row.line << ": " << row["sdt_arg"]);
            passed += got != "ERROR";
            continue;
        }
        BOOST_TEST(got == expected_output(row),
                   "line " << row.line << " [" << row["arch"] << "] " << row["sdt_arg"]);
        passed += got == expected_output(row);
    }
    BOOST_TEST_MESSAGE("sdt-args.tsv: " << passed << " of " << rows().size() << " rows pass");
    BOOST_TEST(passed == rows().size());
}

BOOST_AUTO_TEST_CASE(the_aarch64_progress_row_converts_what_perf_arm64_reads)
{
    // x25 and x3 are registers; [x22] and "[x22," "20]" are skipped; the [sp, N] pairs are
    // joined back, so the numbering counts seven words as perf's loop does.
    BOOST_TEST(converted("8@x25 -4@[x22] 8@x3 2@[x22, 20] -4@[sp, 128] 2@[sp, 132]",
                         sdt_arch::aarch64) ==
               "arg1=%x25:u64 arg3=%x3:u64 arg6=+128(%sp):s32 arg7=+132(%sp):u16");
}

BOOST_AUTO_TEST_CASE(a_size_outside_the_range_is_an_error_at_the_spec)
{
    auto const args = convert_sdt_args("8@%rax 16@%rbx", sdt_arch::x86_64);
    BOOST_TEST_REQUIRE(!args.has_value());
    BOOST_TEST(args.error().kind == error_kind::invalid);
    BOOST_TEST(args.error().offset == 7u);
    BOOST_TEST(args.error().length == 2u);
    BOOST_TEST(!convert_sdt_args("99999999999999999999@%rax").has_value());
    BOOST_TEST(!convert_sdt_args("-9@%rax").has_value());
}

BOOST_AUTO_TEST_CASE(a_size_strtol_cannot_read_gives_no_type)
{
    BOOST_TEST(converted("abc@%rdx 0@%rcx +4@%rsi") == "arg1=%dx arg2=%cx arg3=%si:u32");
}

BOOST_AUTO_TEST_CASE(skipped_arguments_keep_their_number_and_say_why)
{
    std::string_view const note = "-4@$5 8@(%rax,%rdx,8) 4@glob(%rip) 4@-0x10(%rbp) 8@%rdi";
    auto const args = convert_sdt_args(note, sdt_arch::x86_64);
    BOOST_TEST_REQUIRE(args.has_value());
    BOOST_TEST_REQUIRE(args->size() == 5u);
    BOOST_TEST((*args)[0].why.find("constant") != std::string_view::npos);
    BOOST_TEST((*args)[1].why.find("scaled-index") != std::string_view::npos);
    BOOST_TEST((*args)[2].why.find("symbol-relative") != std::string_view::npos);
    BOOST_TEST((*args)[3].why.find("hexadecimal") != std::string_view::npos);
    BOOST_TEST(!(*args)[4].skipped);
    BOOST_TEST((*args)[4].number == 5u);
    BOOST_TEST((*args)[4].offset == note.find("8@%rdi"));
    BOOST_TEST((*args)[4].fetch.name == "arg5");
}

BOOST_AUTO_TEST_CASE(registers_are_renamed_as_perf_renames_them)
{
    BOOST_TEST(converted("%ebp %bpl %spl %esp %r9w %r10b %r13d %sil %bh") ==
               "arg1=%bp arg2=%bp arg3=%sp arg4=%sp arg5=%r9 arg6=%r10 arg7=%r13 arg8=%si "
               "arg9=%bx");
    // perf matches a prefix of its table's names: "%r1" meets "%r10b" first.
    BOOST_TEST(converted("%r1") == "arg1=%r10");
    BOOST_TEST(converted("%xmm15 %xmm100") == "arg1=%xmm15"); // 7 characters: too long
}

BOOST_AUTO_TEST_CASE(memory_operands_get_a_signed_displacement)
{
    BOOST_TEST(converted("8@(%rsp) 4@24(%rdi) -4@-80(%rbx) 1@+8(%rsi)") ==
               "arg1=+0(%sp):u64 arg2=+24(%di):u32 arg3=-80(%bx):s32 arg4=+8(%si):u8");
    BOOST_TEST(converted("-%rax") == "arg1=%ax"); // perf drops a sign without parentheses
}

BOOST_AUTO_TEST_CASE(text_the_kernel_cannot_read_is_skipped_where_perf_writes_it)
{
    BOOST_TEST(converted("8@-8(%rbp 8@%rax) 8@8%rax 8@%rdi") == "arg4=%di:u64");
}

BOOST_AUTO_TEST_CASE(aarch64_stack_and_register_forms)
{
    BOOST_TEST(converted("-4@[sp, 12] -4@[sp] 8@x0 8@x29 8@x30", sdt_arch::aarch64) ==
               "arg1=+12(%sp):s32 arg2=+0(%sp):s32 arg3=%x0:u64 arg4=%x29:u64 arg5=%x30:u64");
    // perf turns the constants 30 and 31 into "%30"; they are constants.
    BOOST_TEST(converted("8@30 8@31 8@x31 -4@w0 -8@v0 8@[sp,8]", sdt_arch::aarch64).empty());
}

BOOST_AUTO_TEST_CASE(an_arch_without_conversion_skips_every_operand)
{
    BOOST_TEST(converted("8@%r0 -4@-16(%r17)", sdt_arch::other).empty());
    BOOST_TEST(converted("16@%r0", sdt_arch::other) == "ERROR");
}

BOOST_AUTO_TEST_CASE(blank_and_empty_notes_have_no_arguments)
{
    BOOST_TEST(convert_sdt_args("").value().empty());
    BOOST_TEST(convert_sdt_args(" \t\n ").value().empty());
    BOOST_TEST(converted("  8@%rax\t\t4@%esi ") == "arg1=%ax:u64 arg2=%si:u32");
}

BOOST_AUTO_TEST_CASE(the_cli_prints_every_row_with_file)
{
    std::string const tool = PROBEKIT_TOOL_PATH;
    if (tool.empty()) {
        BOOST_TEST_MESSAGE("skipped: no probekit tool in this build");
        return;
    }
    // One input file per arch: `--arch` applies to a whole run.
    for (std::string const arch : {"x86_64", "aarch64"}) {
        char path[] = "/tmp/probekit-sdt-args-XXXXXX";
        int const fd = ::mkstemp(path);
        BOOST_TEST_REQUIRE(fd >= 0);
        ::close(fd);
        std::vector<test::tsv_row const*> picked;
        {
            std::ofstream in(path);
            for (auto const& row : rows())
                if (row["arch"] == arch && !only_progress(row)) {
                    in << row["sdt_arg"] << '\n';
                    picked.push_back(&row);
                }
        }
        std::string const command = tool + " parse sdt-args --arch " + arch + " --file " + path;
        FILE* const out = ::popen(command.c_str(), "r");
        BOOST_TEST_REQUIRE(out != nullptr);
        char buffer[4096];
        std::size_t index = 0;
        while (std::fgets(buffer, sizeof buffer, out) != nullptr && index < picked.size()) {
            std::string line(buffer);
            line.pop_back();
            auto const& row = *picked[index++];
            std::string const want = expected_output(row);
            if (want == "ERROR")
                BOOST_TEST(line.starts_with("error\t0\t"), "line " << row.line << ": " << line);
            else
                BOOST_TEST(line == "ok\t" + want, "line " << row.line);
        }
        ::pclose(out);
        ::unlink(path);
        BOOST_TEST(index == picked.size());
    }
}

BOOST_AUTO_TEST_SUITE_END()
