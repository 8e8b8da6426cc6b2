// perf's wording of the parse errors it reports as `Semantic error :...`, where probekit's
// own message says more; scripts look for perf's.
#pragma once

#include <probekit/error.hpp>

#include <string>
#include <string_view>

namespace probekit::cli {

/// perf's wording of a parse error, where scripts look for it (`Semantic error :...`).
inline std::string perf_wording(parse_error const& e, std::string_view spec)
{
    std::string_view const m = e.message;
    if (m.find("non-digit character in the line number") != m.npos)
        return "There is non-digit char in line number.";
    if (m.find("return probe cannot read local variables") != m.npos)
        return "You can't specify local variable for kretprobe.";
    if (m.find("cannot be used with %return") != m.npos)
        return "Offset/Line/Lazy pattern can't be used with return probe.";
    if (m.find("(SRC@SRC is not allowed)") != m.npos)
        return "SRC@SRC is not allowed.";
    // -L's ranges
    if (m.ends_with("is not a valid number"))
        return std::string(m) + ".";
    if (m == "the start line must not be after the end line")
        return "Start line must be smaller than end line.";
    if (m == "'-' must be followed by an end line" || m == "'+' must be followed by a line count")
        return "'end line' is not a valid number.";
    if (m == "not a valid function name") // the whole name, as perf quotes it
        return "'" + std::string(spec.substr(0, spec.find_first_of(":@"))) +
               "' is not a valid function name.";
    if (m.find("C symbol-naming rule") != m.npos && e.offset < spec.size()) {
        // The whole name around the offending character: "bad-name" in "bad-name=area".
        auto const before = spec.substr(0, e.offset).find_last_of(":=");
        auto name = spec.substr(before == spec.npos ? 0 : before + 1);
        name = name.substr(0, name.find_first_of("=: "));
        return std::string(name) + " is bad for event name -it must follow C symbol-naming rule.";
    }
    return std::string(m);
}

} // namespace probekit::cli
