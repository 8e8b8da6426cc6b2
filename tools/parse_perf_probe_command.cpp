// `probekit parse perf-probe` and `probekit parse line-range`.
#include "commands.hpp"
#include "line_driver.hpp"

#include <probekit/perf_probe.hpp>

#include <boost/json.hpp>

#include "json_text.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace probekit::cli {
namespace {

struct parse_options {
    std::string target;   ///< -x PATH: only decides the default group
    bool json = false;
    std::string file;     ///< --file F
    bool has_file = false;
    std::vector<std::string_view> commands;
};

/// Reads `[-x PATH] [--json] (CMD... | --file F)`; returns false after printing why.
bool read_options(arguments args, parse_options& options, bool allow_target)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view const arg = args[i];
        bool const has_value = i + 1 < args.size();
        if (arg == "--json") {
            options.json = true;
        } else if (allow_target && (arg == "-x" || arg == "--exec") && has_value) {
            options.target = args[++i];
        } else if (arg == "--file" && has_value) {
            options.file = args[++i];
            options.has_file = true;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i)
                options.commands.push_back(args[i]);
        } else if (arg.starts_with("-") && arg.size() > 1 && !options.has_file &&
                   options.commands.empty() && (arg == "-x" || arg == "--file")) {
            std::fprintf(stderr, "probekit: error: '%s' needs a value\n", args[i]);
            return false;
        } else {
            options.commands.push_back(arg);
        }
    }
    if (options.has_file == !options.commands.empty()) {
        std::fputs("probekit: error: give either commands or --file F\n", stderr);
        return false;
    }
    return true;
}

boost::json::object to_json(perf_probe_view const& event, std::string_view group)
{
    namespace json = boost::json;
    auto const& p = event.point;
    json::object point;
    point["kind"] = p.is_sdt ? "sdt" : p.is_address ? "address" : p.has_function ? "function"
                                                                                 : "file";
    if (p.naming != event_naming::none) {
        point["group"] = json_text(p.group.empty() ? group : p.group);
        std::string event(p.event);
        if (p.naming == event_naming::from_line) {
            append_event_name(event, p.function);
            event += "_L" + std::to_string(p.line);
        }
        point["event"] = json_text(event);
        point["event_naming"] = p.naming == event_naming::given ? "given" : "from_line";
    }
    if (p.has_function)
        point["function"] = json_text(p.function);
    if (p.is_address)
        point["address"] = p.address;
    if (p.has_file)
        point["file"] = json_text(p.file);
    if (p.line)
        point["line"] = p.line;
    if (p.offset)
        point["offset"] = p.offset;
    if (p.retprobe)
        point["return"] = true;
    if (p.has_lazy)
        point["lazy"] = json_text(p.lazy);
    if (p.has_sdt_target)
        point["target"] = json_text(p.sdt_target);

    json::array args;
    for (auto const& a : event.args) {
        json::object arg;
        if (a.has_name)
            arg["name"] = json_text(a.name);
        arg["var"] = json_text(a.var);
        json::array fields;
        for (auto const& f : a.fields) {
            if (f.access == field_access::index)
                fields.push_back(json::object{{"index", f.index}});
            else
                fields.push_back(json::object{
                    {f.access == field_access::arrow ? "arrow" : "dot", json_text(f.name)}});
        }
        if (!fields.empty())
            arg["fields"] = std::move(fields);
        if (a.has_type)
            arg["type"] = json_text(a.type);
        if (a.user_access)
            arg["user"] = true;
        args.push_back(std::move(arg));
    }
    return json::object{{"point", std::move(point)}, {"args", std::move(args)}};
}

template <typename Convert>
int run(parse_options const& options, Convert convert)
{
    return options.has_file ? run_file(options.file, convert)
                            : run_commands(options.commands, convert);
}

} // namespace

int run_parse_perf_probe(arguments args)
{
    parse_options options;
    if (!read_options(args, options, true))
        return exit_bad_input;

    auto storage = std::make_unique<perf_probe_storage>();
    std::string const group = default_group_for_target(options.target);
    return run(options, [&](std::string_view line, std::string& out) {
        auto const event = parse_perf_probe(line, *storage);
        if (!event)
            return std::optional<parse_error>(event.error());
        if (options.json)
            out = boost::json::serialize(to_json(*event, group));
        else
            synthesize_perf_probe(*event, out, group);
        return std::optional<parse_error>();
    });
}

int run_parse_line_range(arguments args)
{
    parse_options options;
    if (!read_options(args, options, false))
        return exit_bad_input;

    return run(options, [&](std::string_view line, std::string& out) {
        auto const range = parse_line_range(line);
        if (!range)
            return std::optional<parse_error>(range.error());
        if (options.json) {
            boost::json::object object;
            if (range->has_function)
                object["function"] = json_text(range->function);
            if (range->has_file)
                object["file"] = json_text(range->file);
            if (range->has_start)
                object["start"] = range->start;
            if (range->has_end)
                object["end"] = range->end;
            out = boost::json::serialize(object);
        } else {
            synthesize_line_range(*range, out);
        }
        return std::optional<parse_error>();
    });
}

} // namespace probekit::cli
