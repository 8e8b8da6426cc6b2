// `probekit parse trace [--kind K] [--json] (CMD... | --file F)`: read trace commands (the
// lines of uprobe_events / kprobe_events / dynamic_events) and write them back in perf's
// form, or as JSON with the argument trees.
#include "commands.hpp"
#include "line_driver.hpp"

#include <probekit/trace_probe.hpp>

#include <boost/json.hpp>

#include "json_text.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace probekit::cli {
namespace {

struct trace_options {
    trace_kind kind = trace_kind::automatic;
    bool json = false;
    std::string file;
    bool has_file = false;
    std::vector<std::string_view> commands;
};

/// Reads `[--kind K] [--json] (CMD... | --file F)`; returns false after printing why.
bool read_options(arguments args, trace_options& options)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view const arg = args[i];
        bool const has_value = i + 1 < args.size();
        if (arg == "--json") {
            options.json = true;
        } else if (arg == "--kind" || arg.starts_with("--kind=")) {
            std::string_view value;
            if (arg != "--kind")
                value = arg.substr(7);
            else if (has_value)
                value = args[++i];
            auto const kind = parse_trace_kind(value);
            if (!kind) {
                std::fprintf(stderr,
                             "probekit: error: --kind takes auto, kprobe, uprobe, eprobe, "
                             "fprobe or tprobe, not '%.*s'\n",
                             static_cast<int>(value.size()), value.data());
                return false;
            }
            options.kind = *kind;
        } else if (arg == "--file" && has_value) {
            options.file = args[++i];
            options.has_file = true;
        } else if (arg == "--file") {
            std::fputs("probekit: error: '--file' needs a value\n", stderr);
            return false;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i)
                options.commands.push_back(args[i]);
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

std::string_view base_name(fetch_base base)
{
    switch (base) {
    case fetch_base::reg: return "register";
    case fetch_base::memory: return "memory";
    case fetch_base::file_offset: return "file_offset";
    case fetch_base::symbol: return "symbol";
    case fetch_base::stack: return "stack";
    case fetch_base::stack_pointer: return "stack_pointer";
    case fetch_base::retval: return "retval";
    case fetch_base::comm: return "comm";
    case fetch_base::arg: return "arg";
    case fetch_base::immediate: return "immediate";
    case fetch_base::string: return "string";
    case fetch_base::event_field: return "event_field";
    case fetch_base::btf: return "btf";
    }
    return "unknown";
}

boost::json::object type_json(trace_type const& t)
{
    trace_arg_view only_type;
    only_type.type = t;
    only_type.base = fetch_base::btf;
    trace_probe_view holder;
    // The type's own text, as synthesis writes it after ':'.
    std::string line;
    std::array<trace_arg_view, 1> one{only_type};
    holder.kind = trace_kind::kprobe;
    holder.has_place = false;
    holder.args = one;
    synthesize_trace_probe(holder, line);
    boost::json::object object;
    std::size_t const start = line.find(':') + 1;
    object["name"] = json_text(line.substr(start, line.find('[', start) - start));
    if (t.kind == fetch_type_kind::bitfield) {
        object["bit_width"] = t.bit_width;
        object["bit_offset"] = t.bit_offset;
        object["container_bits"] = t.bits;
    }
    if (t.array_count != 0)
        object["array"] = t.array_count;
    return object;
}

boost::json::object to_json(trace_probe_view const& ev)
{
    namespace json = boost::json;
    json::object object;
    object["kind"] = std::string(to_string(ev.kind));
    if (ev.remove)
        object["remove"] = true;
    if (ev.retprobe)
        object["return"] = true;
    if (ev.maxactive)
        object["maxactive"] = ev.maxactive;
    if (!ev.group.empty())
        object["group"] = json_text(ev.group);
    if (!ev.event.empty())
        object["event"] = json_text(ev.event);
    if (ev.has_place) {
        auto const& p = ev.place;
        json::object place;
        if (!p.path.empty())
            place["path"] = json_text(p.path);
        if (!p.module.empty())
            place["module"] = json_text(p.module);
        if (!p.system.empty())
            place["system"] = json_text(p.system);
        if (!p.symbol.empty())
            place["symbol"] = json_text(p.symbol);
        if (ev.kind == trace_kind::uprobe || p.is_address)
            place["address"] = p.address;
        if (ev.kind == trace_kind::kprobe && !p.is_address)
            place["offset"] = p.offset;
        if (p.has_ref_ctr)
            place["ref_ctr_offset"] = p.ref_ctr_offset;
        object["place"] = std::move(place);
    }
    json::array args;
    for (auto const& a : ev.args) {
        json::object arg;
        if (!a.name.empty())
            arg["name"] = json_text(a.name);
        json::object fetch;
        fetch["base"] = std::string(base_name(a.base));
        switch (a.base) {
        case fetch_base::memory:
        case fetch_base::stack:
        case fetch_base::arg: fetch["value"] = a.value; break;
        case fetch_base::immediate:
            if (a.negative)
                fetch["value"] = static_cast<std::int64_t>(a.value);
            else
                fetch["value"] = a.value;
            break;
        case fetch_base::file_offset: fetch["offset"] = a.offset; break;
        case fetch_base::symbol:
            fetch["name"] = json_text(a.text);
            fetch["offset"] = a.offset;
            break;
        case fetch_base::stack_pointer:
        case fetch_base::retval: break;
        default: fetch["name"] = json_text(a.text); break;
        }
        json::array derefs;
        for (auto const& d : a.derefs) {
            json::object deref{{"offset", d.offset}};
            if (d.user)
                deref["user"] = true;
            if (!d.trailing.empty())
                deref["ignored"] = json_text(d.trailing);
            derefs.push_back(std::move(deref));
        }
        if (!derefs.empty())
            fetch["derefs"] = std::move(derefs);
        arg["fetch"] = std::move(fetch);
        if (a.type.kind != fetch_type_kind::none)
            arg["type"] = type_json(a.type);
        args.push_back(std::move(arg));
    }
    object["args"] = std::move(args);
    if (ev.has_filter)
        object["filter"] = json_text(ev.filter);
    std::string canonical;
    synthesize_trace_probe(ev, canonical);
    object["canonical"] = json_text(canonical);
    return object;
}

} // namespace

int run_parse_trace(arguments args)
{
    trace_options options;
    if (!read_options(args, options))
        return exit_bad_input;

    auto storage = std::make_unique<trace_probe_storage>();
    auto convert = [&](std::string_view line, std::string& out) {
        auto const event = parse_trace_probe(line, options.kind, *storage);
        if (!event)
            return std::optional<parse_error>(event.error());
        if (options.json)
            out = boost::json::serialize(to_json(*event));
        else
            synthesize_trace_probe(*event, out);
        return std::optional<parse_error>();
    };
    return options.has_file ? run_file(options.file, convert)
                            : run_commands(options.commands, convert);
}

} // namespace probekit::cli
