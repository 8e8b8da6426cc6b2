// argv helpers shared by `probekit probe --cache` and `probekit buildid-cache`: perf's
// spelling of options (`-d F`, `-dF`, `--del F`, `--del=F`), hand-rolled because perf's
// optional arguments (`-l [FILTER]`) have no equivalent in Boost.Program_options.
#pragma once

#include "commands.hpp"

#include <optional>
#include <string_view>

namespace probekit::cli {

/// Reads argv one option at a time.
class option_reader {
public:
    explicit option_reader(arguments args) noexcept : args_(args) {}

    bool done() const noexcept { return next_ >= args_.size(); }
    std::string_view current() const noexcept { return current_; }

    /// Moves to the next argument; returns it.
    std::string_view advance() noexcept
    {
        current_ = args_[next_++];
        return current_;
    }

    /// Is the current argument `-s`/`--long` (with an attached value allowed when
    /// `takes_value`)? Sets `attached` to `-sVALUE`/`--long=VALUE`'s value.
    bool is(char short_name, std::string_view long_name, bool takes_value,
            std::optional<std::string_view>& attached) const noexcept
    {
        attached.reset();
        std::string_view const a = current_;
        if (a.size() >= 2 && a[0] == '-' && a[1] == short_name && short_name != 0) {
            if (a.size() == 2)
                return true;
            if (takes_value) {
                attached = a.substr(2);
                return true;
            }
            return false;
        }
        if (!a.starts_with("--") || !a.substr(2).starts_with(long_name))
            return false;
        std::string_view const rest = a.substr(2 + long_name.size());
        if (rest.empty())
            return true;
        if (takes_value && rest.front() == '=') {
            attached = rest.substr(1);
            return true;
        }
        return false;
    }

    /// The value of an option that requires one: attached, or the next argument.
    std::optional<std::string_view> value(std::optional<std::string_view> attached) noexcept
    {
        if (attached)
            return attached;
        if (done())
            return std::nullopt;
        return advance();
    }

    /// The value of an option whose value is optional: attached, or the next argument
    /// when it does not look like an option.
    std::optional<std::string_view> optional_value(
        std::optional<std::string_view> attached) noexcept
    {
        if (attached)
            return attached;
        if (done() || std::string_view(args_[next_]).starts_with('-'))
            return std::nullopt;
        return advance();
    }

private:
    arguments args_;
    std::size_t next_ = 0;
    std::string_view current_;
};

} // namespace probekit::cli
