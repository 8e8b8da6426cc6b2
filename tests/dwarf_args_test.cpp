// Argument resolution (issue 6) on fixture binaries built by CMake from
// tests/data/dwarf/: known fetch args asserted directly, and, when perf is installed,
// the same definitions compared with what perf 6.1 prints. Where perf 6.1 is wrong
// (bitfields F6, default names and types F7, C++ members F14) the right values are pinned.
#include <probekit/dwarf/arg_resolver.hpp>

#include "dwarf_fixture.hpp"

#define BOOST_TEST_MODULE dwarf_args
#include <boost/test/unit_test.hpp>

#include <string>

using namespace probekit;
using namespace probekit::dwarf;
using probekit::test::fixture_binary;
using probekit::test::fixture_path;

namespace {

/// Resolves `spec` at perf's address for FUNC (the first word of `spec`) in `binary`.
std::string at_function(std::string const& binary, std::string const& spec,
                        bool skip_prologue)
{
    fixture_binary const bin(fixture_path(binary));
    BOOST_TEST_REQUIRE(bin.ok());
    auto fn = bin.function(spec.substr(0, spec.find(' ')));
    BOOST_TEST_REQUIRE(fn.has_value());
    Dwarf_Addr const pc = fixture_binary::probe_address(fn->first, fn->second, skip_prologue);
    return test::resolve_text(bin, fn->first, fn->second, pc, spec);
}

std::string at_o0(std::string const& spec, std::string const& binary = "args-O0-dwarf5")
{
    return at_function(binary, spec, true);
}

std::string at_o2(std::string const& spec, std::string const& binary = "args-O2-dwarf5")
{
    return at_function(binary, spec, false);
}

probe_arg variable(std::string var, std::string type = "")
{
    probe_arg arg;
    arg.var = std::move(var);
    arg.type = std::move(type);
    arg.has_type = !arg.type.empty();
    return arg;
}

} // namespace

BOOST_AUTO_TEST_SUITE(dwarf_args)

BOOST_AUTO_TEST_CASE(x86_64_registers_are_named_as_uprobes_spell_them)
{
    BOOST_TEST(register_name(dwarf_arch::x86_64, 0) == "%ax");
    BOOST_TEST(register_name(dwarf_arch::x86_64, 4) == "%si");
    BOOST_TEST(register_name(dwarf_arch::x86_64, 5) == "%di");
    BOOST_TEST(register_name(dwarf_arch::x86_64, 6) == "%bp");
    BOOST_TEST(register_name(dwarf_arch::x86_64, 15) == "%r15");
    BOOST_TEST(register_name(dwarf_arch::x86_64, 17).empty()); // %xmm0: perf refuses it too
}

BOOST_AUTO_TEST_CASE(aarch64_registers_are_x0_to_x30_and_sp)
{
    BOOST_TEST(register_name(dwarf_arch::aarch64, 0) == "%x0");
    BOOST_TEST(register_name(dwarf_arch::aarch64, 30) == "%x30");
    BOOST_TEST(register_name(dwarf_arch::aarch64, 31) == "%sp");
    BOOST_TEST(register_name(dwarf_arch::aarch64, 32).empty());
    BOOST_TEST((arch_from_elf_machine(183) == dwarf_arch::aarch64));
}

BOOST_AUTO_TEST_CASE(a_fetch_arg_is_written_with_its_innermost_dereference_inside)
{
    fetch_arg arg{"y", "%bp", {{-24, false}, {32, false}, {4, false}}, "s32", true, true};
    BOOST_TEST(to_string(arg) == "y=+4(+32(-24(%bp))):s32");

    fetch_arg const global{"y", "@g_origin", {{4, false}}, "s32", true, true};
    BOOST_TEST(to_string(global) == "y=@g_origin+4:s32");

    fetch_arg const user{"label", "%bp", {{-24, false}, {16, true}}, "x64", true, true};
    BOOST_TEST(to_string(user) == "label=+u16(-24(%bp)):x64");

    fetch_arg const verbatim{"", "%di", {}, "", false, false};
    BOOST_TEST(to_string(verbatim) == "%di");
    BOOST_TEST(fetch_value_text(arg) == "+4(+32(-24(%bp)))");
}

BOOST_AUTO_TEST_CASE(default_names_are_perfs_but_always_valid_c_identifiers)
{
    BOOST_TEST(default_arg_name(variable("p", "x32")) == "p_x32");
    BOOST_TEST(default_arg_name(variable("s", "string")) == "s_string");
    BOOST_TEST(default_arg_name(variable("w")) == "w");
    // perf 6.1 names this one `p_b8@0/64`, which the kernel rejects (F7)
    BOOST_TEST(default_arg_name(variable("p", "b8@0/64")) == "p_b8_0_64");
    BOOST_TEST(default_arg_name(variable("a", "u8[4]")) == "a_u8_4_");
}

BOOST_AUTO_TEST_CASE(unknown_explicit_types_are_rejected_with_the_valid_ones)
{
    BOOST_TEST(!check_explicit_type("w", "u32", true));
    BOOST_TEST(!check_explicit_type("w", "x", true));
    BOOST_TEST(!check_explicit_type("w", "b3@1/32", true));
    BOOST_TEST(!check_explicit_type("w", "u8[4]", true));
    BOOST_TEST(!check_explicit_type("$retval", "string", false));
    BOOST_TEST(check_explicit_type("%di", "x", false).has_value());

    auto const error = check_explicit_type("w", "u128", true); // perf 6.1 passes it on (F7)
    BOOST_TEST_REQUIRE(error.has_value());
    BOOST_TEST(error->kind == error_kind::invalid);
    BOOST_TEST(error->message.find("'u128'") != std::string::npos);
    BOOST_TEST(error->message.find("s32") != std::string::npos);
    BOOST_TEST(check_explicit_type("w", "", true).has_value());

    BOOST_TEST(at_o0("area w:u128").find("error: Unknown type 'u128'") == 0u);
}

BOOST_AUTO_TEST_CASE(parameters_and_locals_at_O0_are_frame_base_relative)
{
    // DW_OP_fbreg with the CFA from the CFI: CFA = %bp + 16 after the prologue
    auto const expected = "x=+0(-32(%bp)):s32 y=+4(-32(%bp)):s32 w=-36(%bp):s32 "
                          "a=-12(%bp):s32 b=-16(%bp):s32";
    BOOST_TEST(at_o0("area p->x p->y w a b") == expected);
    BOOST_TEST(at_o0("area p->x p->y w a b", "args-O0-dwarf4") == expected);
}

BOOST_AUTO_TEST_CASE(parameters_at_O2_are_registers_and_stack_slots)
{
    BOOST_TEST(at_o2("record $params") == "r=%di:x64 param=%si:s32");
    BOOST_TEST(at_o2("many $params") ==
               "a1=%di:s32 a2=%si:s64 a3=%dx:s16 a4=%cx:s8 a5=%r8:x32 a6=%r9:s64 "
               "a7=+8(%sp):s32 a8=+16(%sp):s32 a9=+24(%sp):s64 a10=+32(%sp):x64");
    BOOST_TEST(at_o0("many a7 a10:string") == "a7=+16(%bp):s32 a10_string=+0(+40(%bp)):string");
}

BOOST_AUTO_TEST_CASE(a_local_not_yet_live_at_an_optimized_entry_is_not_found)
{
    BOOST_TEST(at_o2("area a") ==
               "error: Failed to find the location of the 'a' variable at this address.\n"
               " Perhaps it has been optimized out.\n"
               " Use -V with the --range option to show 'a' location range.");
    BOOST_TEST(at_o2("area nosuch").find("error: Failed to find the location of the 'nosuch'") ==
               0u);
}

BOOST_AUTO_TEST_CASE(field_chains_go_through_pointers_arrays_unions_and_typedefs)
{
    // `r` is a `rec_t *`: a typedef of a const struct; `as_int`/`bytes` are in an anonymous union
    BOOST_TEST(at_o0("record r->name:string r->label:string r->pt.y r->pp->y r->vals[2] "
                     "r->as_int r->bytes[1] r->name[3]") ==
               "name=+0(-40(%bp)):string label=+0(+16(-40(%bp))):string y=+28(-40(%bp)):s32 "
               "y=+4(+32(-40(%bp))):s32 vals=+56(-40(%bp)):s64 as_int=+76(-40(%bp)):s32 "
               "bytes=+77(-40(%bp)):x8 name=+3(-40(%bp)):s8");
    BOOST_TEST(at_o2("record r->pp->y r->name:string") == "y=+4(+32(%di)):s32 name=+0(%di):string");
    BOOST_TEST(at_o2("record r->label@user") == "label=+u16(%di):x64");
    BOOST_TEST(at_o0("record r->name r->pt") == "name=+0(-40(%bp)) pt=+24(-40(%bp)):x64");
}

BOOST_AUTO_TEST_CASE(letter_casts_keep_the_dwarf_size)
{
    BOOST_TEST(at_o0("area w:x w:u w:s p:s r=w:x16") ==
               "w_x=-36(%bp):x32 w_u=-36(%bp):u32 w_s=-36(%bp):s32 p_s=-32(%bp):s64 "
               "r=-36(%bp):x16");
}

BOOST_AUTO_TEST_CASE(a_whole_struct_is_cut_down_to_64_bits_with_a_note)
{
    fixture_binary const bin(fixture_path("args-O0-dwarf5"));
    auto fn = bin.function("record");
    BOOST_TEST_REQUIRE(fn.has_value());
    Dwarf_Addr const pc = fixture_binary::probe_address(fn->first, fn->second, true);
    auto const args = test::args_of("record r[0]");
    auto resolved = resolve_args(fn->first, fn->second, pc, args, bin.options());
    BOOST_TEST_REQUIRE(resolved.has_value());
    BOOST_TEST(to_string(resolved->args.at(0).fetch) == "r=+0(-40(%bp)):x64");
    BOOST_TEST_REQUIRE(resolved->notes.size() == 1u);
    BOOST_TEST(resolved->notes[0] == "rec exceeds max-bitwidth. Cut down to 64 bits.");
}

BOOST_AUTO_TEST_CASE(bitfields_are_counted_from_the_lsb_in_dwarf_4_and_dwarf_5)
{
    // struct flags { ready:1; mode:3; delta:5; rest:23 } at +72: perf 6.1 prints
    // b3@28/32 (MSB-relative) for DWARF 4 and fails on DWARF 5 (F6)
    auto const expected = "mode=+72(-40(%bp)):b3@1/32 delta=+72(-40(%bp)):b5@4/32 "
                          "ready=+72(-40(%bp)):b1@0/32 rest=+72(-40(%bp)):b23@9/32";
    auto const spec = "record r->fl.mode r->fl.delta r->fl.ready r->fl.rest";
    BOOST_TEST(at_o0(spec, "args-O0-dwarf4") == expected);
    BOOST_TEST(at_o0(spec, "args-O0-dwarf5") == expected);
    BOOST_TEST(at_o2("record r->fl.mode", "args-O2-dwarf5") == "mode=+72(%di):b3@1/32");
    BOOST_TEST(at_o2("record r->fl.mode:x", "args-O2-dwarf4") == "mode=+72(%di):b3@1/32");
}

BOOST_AUTO_TEST_CASE(globals_and_statics_are_fetched_by_symbol)
{
    auto const expected = "g_counter=@g_counter+0:s32 g_buffer_string=@g_buffer+0:string "
                          "y=@g_origin+4:s32 s_calls=@s_calls+0:s32";
    auto const spec = "area g_counter g_buffer:string g_origin.y s_calls";
    BOOST_TEST(at_o0(spec) == expected);
    BOOST_TEST(at_o2(spec) == expected);
}

BOOST_AUTO_TEST_CASE(verbatim_arguments_are_copied_unnamed)
{
    BOOST_TEST(at_o0("area %di %si:x32 comm=$comm $retval @g_counter +0(%di):u32") ==
               "%di %si:x32 comm=$comm $retval @g_counter +0(%di):u32");
}

BOOST_AUTO_TEST_CASE(string_casts_need_a_char_pointer_or_array)
{
    BOOST_TEST(at_o0("area w:string") ==
               "error: Failed to cast into string: w(int) is not a pointer nor array.");
    BOOST_TEST(at_o0("area p:string") ==
               "error: Failed to cast into string: p is not (unsigned) char *.");
}

BOOST_AUTO_TEST_CASE(member_operators_must_match_the_type)
{
    BOOST_TEST(at_o0("area p.x") == "error: Semantic error: x must be referred by '->'");
    BOOST_TEST(at_o0("area w->x") == "error: w is not a data structure nor a union.");
    BOOST_TEST(at_o0("record r->pt->x") == "error: Semantic error: x must be referred by '.'");
    BOOST_TEST(at_o0("area p->z") == "error: p(type:point) has no member z.");
    BOOST_TEST(at_o2("area p->x w") == "x=+0(%di):s32 w=%si:s32");
}

BOOST_AUTO_TEST_CASE(vars_expands_parameters_then_the_locals_in_scope)
{
    BOOST_TEST(at_o0("area $vars") ==
               "p=-32(%bp):x64 w=-36(%bp):s32 a=-12(%bp):s32 b=-16(%bp):s32");
    // at the optimized entry the locals have no location yet: they are left out
    BOOST_TEST(at_o2("area $vars") == "p=%di:x64 w=%si:s32");
    BOOST_TEST(at_o2("area $params g_counter") == "p=%di:x64 w=%si:s32 g_counter=@g_counter+0:s32");
}

BOOST_AUTO_TEST_CASE(a_variable_missing_at_some_addresses_gets_perfs_magic_number)
{
    std::vector<probe_arg> const args{variable("w")};
    resolved_args inlined;
    inlined.args.push_back({fetch_arg{"w", "", {}, "", true, false}, 0, true});
    resolved_args out_of_line;
    out_of_line.args.push_back({fetch_arg{"w", "%si", {}, "s32", true, true}, 0, false});
    std::vector<resolved_args> all{inlined, out_of_line};

    BOOST_TEST(!fill_missing_args(all, args));
    BOOST_TEST(to_string(all[0].args[0].fetch) == "w=\\deade12d:s32");
    BOOST_TEST(to_string(all[1].args[0].fetch) == "w=%si:s32");
}

BOOST_AUTO_TEST_CASE(a_variable_missing_at_every_address_is_an_error)
{
    std::vector<probe_arg> const args{variable("w")};
    resolved_args here;
    here.args.push_back({fetch_arg{"w", "", {}, "", true, false}, 0, true});
    std::vector<resolved_args> all{here, here};
    auto const error = fill_missing_args(all, args);
    BOOST_TEST_REQUIRE(error.has_value());
    BOOST_TEST(error->kind == error_kind::not_found);
    BOOST_TEST(error->message.find("'w' variable at this address.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_inlined_instance_without_the_variable_marks_it_missing)
{
    // `square` is inlined into `area` at -O2; `nosuch` exists nowhere, `sq` not at the entry
    fixture_binary const bin(fixture_path("args-O2-dwarf5"));
    auto fn = bin.function("area");
    BOOST_TEST_REQUIRE(fn.has_value());
    auto instance = walk_children(fn->first, [](Dwarf_Die& die) {
        return dwarf_tag(&die) == DW_TAG_inlined_subroutine ? walk_step::found : walk_step::enter;
    });
    BOOST_TEST_REQUIRE(instance.has_value());
    Dwarf_Addr pc = 0;
    BOOST_TEST_REQUIRE(dwarf_entrypc(&*instance, &pc) == 0);
    auto const args = test::args_of("square nosuch");
    auto resolved = resolve_args(*instance, fn->second, pc, args, bin.options());
    BOOST_TEST_REQUIRE(resolved.has_value());
    BOOST_TEST(resolved->args.at(0).missing);
}

BOOST_AUTO_TEST_CASE(cxx_members_resolve_through_this)
{
    // perf 6.1: "this is not a data structure nor a union." (F14: a class is a struct)
    BOOST_TEST(at_o0("bump this->count_ this->total_ by", "args-cxx-O0") ==
               "count_=+0(-8(%bp)):s32 total_=+8(-8(%bp)):s64 by=-12(%bp):s32");
    BOOST_TEST(at_o0("twice value", "args-cxx-O0") == "value=-8(%bp):x64");
}

BOOST_AUTO_TEST_CASE(the_variable_listing_is_sorted_by_type_then_name)
{
    fixture_binary const bin(fixture_path("args-O0-dwarf5"));
    auto fn = bin.function("area");
    BOOST_TEST_REQUIRE(fn.has_value());
    Dwarf_Addr pc = 0;
    dwarf_entrypc(&fn->first, &pc);
    auto vars = available_variables(fn->first, fn->second, pc, {dwarf_arch::x86_64,
                                                                  bin.options().cfi, false});
    BOOST_TEST_REQUIRE(vars.has_value());
    std::string out;
    append_variable_block(out, "area", 0, *vars);
    BOOST_TEST(out == "\t@<area+0>\n\t\tint\ta\n\t\tint\tb\n\t\tint\tw\n\t\tstruct point*\tp\n");

    std::string none;
    append_variable_block(none, "main", 12, *vars, [](std::string_view) { return false; });
    BOOST_TEST(none == "\t@<main+12>\n\t\t(No matched variables)\n");
}

BOOST_AUTO_TEST_CASE(perf_prints_the_same_definitions)
{
    if (!test::have_perf()) {
        BOOST_TEST_MESSAGE("skipped: perf is not installed");
        return;
    }
    // Cases where perf 6.1 is right; bitfields (F6) and C++ members (F14) are pinned above
    struct {
        char const* binary;
        char const* spec;
    } const cases[] = {
        {"args-O0-dwarf5", "area p->x p->y w a b"},
        {"args-O0-dwarf4", "area $vars"},
        {"args-O2-dwarf5", "area $vars"},
        {"args-O0-dwarf5", "record r->name:string r->label:string r->pt.y r->pp->y r->vals[2]"},
        {"args-O2-dwarf4", "record r->as_int r->bytes[1] param $params"},
        {"args-O0-dwarf5", "many $params"},
        {"args-O2-dwarf5", "many a1 a4 a7 a9:x64 a10:string"},
        {"args-O0-dwarf5", "area g_counter g_buffer:string g_origin.y s_calls"},
        {"args-O2-dwarf5", "area w:x w:u w:s p:s r=w:x16 %di $comm"},
        {"args-cxx-O0", "twice value"},
        {"args-cxx-O0", "bump by this"},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.binary << ": " << c.spec)
        {
            fixture_binary const bin(fixture_path(c.binary));
            auto const perf = test::perf_definitions(bin.path(), c.spec);
            BOOST_TEST_REQUIRE(!perf.empty());
            std::string const spec = c.spec;
            auto fn = bin.function(spec.substr(0, spec.find(' ')));
            BOOST_TEST_REQUIRE(fn.has_value());
            for (auto const& [address, text] : perf)
                BOOST_TEST(test::resolve_text(bin, fn->first, fn->second, address, spec) == text);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
