// `probekit parse sdt-args [--arch x86_64|aarch64] [-v] (SPEC... | --file F)`: convert the
// argument string of one SDT note (the SPECs, joined by blanks) into the fetch arguments
// that follow the place in its trace command, as perf 6.1 converts them:
//
//   $ probekit parse sdt-args -4@%edi '8@$5' 8@16(%rsp)
//   arg1=%di:s32 arg3=+16(%sp):u64
//
// A skipped argument is left out with its number kept; -v says why on stderr. With
// --file, each line is one note's argument string.
#include "commands.hpp"
#include "line_driver.hpp"

#include <probekit/sdt_args.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::cli {
namespace {

struct sdt_args_options {
    sdt_arch arch = host_sdt_arch;
    bool verbose = false;
    std::string file;
    bool has_file = false;
    std::string specs; ///< the SPEC arguments, joined by blanks
};

/// Reads the options; anything else is a SPEC, even with a leading '-' (`-4@%edi`).
bool read_options(arguments args, sdt_args_options& options)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view const arg = args[i];
        bool const has_value = i + 1 < args.size();
        if (arg == "--arch" || arg.starts_with("--arch=")) {
            std::string_view const value =
                arg != "--arch" ? arg.substr(7) : has_value ? args[++i] : "";
            auto const arch = parse_sdt_arch(value);
            if (!arch) {
                std::fprintf(stderr,
                             "probekit: error: --arch takes x86_64 or aarch64, not '%.*s'\n",
                             static_cast<int>(value.size()), value.data());
                return false;
            }
            options.arch = *arch;
        } else if (arg == "-v" || arg == "--verbose") {
            options.verbose = true;
        } else if (arg == "--file") {
            if (!has_value) {
                std::fputs("probekit: error: '--file' needs a value\n", stderr);
                return false;
            }
            options.file = args[++i];
            options.has_file = true;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i)
                options.specs.append(options.specs.empty() ? "" : " ").append(args[i]);
        } else {
            options.specs.append(options.specs.empty() ? "" : " ").append(arg);
        }
    }
    if (options.has_file == !options.specs.empty()) {
        std::fputs("probekit: error: 'parse sdt-args' takes SPEC... or --file F\n", stderr);
        return false;
    }
    return true;
}

/// "probekit: info: arg2 '$5' is skipped: <why>" for each skipped argument.
void explain_skipped(std::string_view note, std::vector<sdt_arg> const& args)
{
    for (auto const& a : args)
        if (a.skipped)
            std::fprintf(stderr, "probekit: info: arg%zu '%.*s' is skipped: %.*s\n", a.number,
                         static_cast<int>(a.length), note.data() + a.offset,
                         static_cast<int>(a.why.size()), a.why.data());
}

} // namespace

int run_parse_sdt_args(arguments args)
{
    sdt_args_options options;
    if (!read_options(args, options))
        return exit_bad_input;

    auto convert = [&](std::string_view note, std::string& out) {
        auto const converted = convert_sdt_args(note, options.arch);
        if (!converted)
            return std::optional<parse_error>(converted.error());
        if (options.verbose)
            explain_skipped(note, *converted);
        synthesize_sdt_args(*converted, out);
        if (!out.empty() && out.front() == ' ')
            out.erase(0, 1);
        return std::optional<parse_error>();
    };
    return options.has_file ? run_file(options.file, convert)
                            : run_commands({options.specs}, convert);
}

} // namespace probekit::cli
