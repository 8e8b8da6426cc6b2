// The output contract shared by every `probekit parse KIND` command:
//   CMD...     each result on its own stdout line; an error goes to stderr with the
//              command and a caret under the offset; exit 1 if any command failed.
//   --file F   one line out per line in (`-` is stdin):
//              ok<TAB><result>  or  error<TAB><offset><TAB><message>; exit 1 if any failed.
#pragma once

#include "commands.hpp"

#include <probekit/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probekit::cli {

/// Converts one input line; writes the result into `out`, or returns the error.
template <typename F>
concept line_converter = requires(F f, std::string_view line, std::string& out) {
    { f(line, out) } -> std::same_as<std::optional<parse_error>>;
};

/// "<message> (expected <what>)", the one-line form of an error.
inline std::string describe(parse_error const& error)
{
    std::string text(error.message.empty() ? std::string_view("syntax error") : error.message);
    if (!error.expected.empty())
        text.append(" (expected ").append(error.expected).append(")");
    if (!error.code.empty())
        text.append(" [").append(error.code).append("]");
    return text;
}

/// The error, the command and a caret line under the offset, on stderr.
inline void report_with_caret(std::string_view command, parse_error const& error)
{
    std::string caret(error.offset + 2, ' ');
    caret += '^';
    if (error.length > 1)
        caret.append(error.length - 1, '~');
    std::cerr << "probekit: error: " << describe(error) << "\n  " << command << '\n' << caret
              << '\n';
}

template <line_converter Convert>
int run_commands(std::vector<std::string_view> const& commands, Convert convert)
{
    int status = exit_ok;
    std::string out;
    for (std::string_view const command : commands) {
        out.clear();
        if (auto const error = convert(command, out)) {
            report_with_caret(command, *error);
            status = exit_bad_input;
            continue;
        }
        std::cout << out << '\n';
    }
    return status;
}

template <line_converter Convert>
int run_file(std::string const& path, Convert convert)
{
    std::ifstream file;
    if (path != "-") {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::cerr << "probekit: error: cannot read '" << path << "': Is a directory\n";
            return exit_environment;
        }
        file.open(path);
        if (!file) {
            std::cerr << "probekit: error: cannot open '" << path << "': "
                      << std::strerror(errno) << '\n';
            return exit_environment;
        }
    }
    std::istream& in = path == "-" ? std::cin : file;

    int status = exit_ok;
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
        out.clear();
        // A NUL byte ends a command for perf (C strings) and would reach our output raw.
        if (auto const nul = line.find('\0'); nul != std::string::npos) {
            std::cout << "error\t" << nul << "\ta NUL byte in the line (expected text)\n";
            status = exit_bad_input;
            continue;
        }
        if (auto const error = convert(line, out)) {
            std::cout << "error\t" << error->offset << '\t' << describe(*error) << '\n';
            status = exit_bad_input;
        } else {
            std::cout << "ok\t" << out << '\n';
        }
    }
    if (in.bad()) { // a read error, not the end of the input (e.g. stdin is a directory)
        std::cerr << "probekit: error: cannot read '" << path << "'\n";
        return exit_environment;
    }
    return status;
}

} // namespace probekit::cli
