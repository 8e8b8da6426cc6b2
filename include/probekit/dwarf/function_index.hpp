// Which CUs define a function of a given name, found in one walk over all CUs, so that a
// probe on FUNC walks only those CUs instead of every CU (glibc: 4,000 CUs, which perf
// walks for each command).
//
//   function_index const index(dwarf);
//   index.for_each_unit("area", [](Dwarf_Die& cu) { ...walk its functions...; return true; });
//
// The units come in CU order, so a search that walks them keeps perf's order. A name is
// kept as a 64-bit hash (16 bytes an entry with its unit): a collision only adds a CU
// whose functions the caller then finds not to match.
#pragma once

#include <probekit/dwarf/die_walk.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace probekit::dwarf {

class function_index {
public:
    /// Walks every CU of `dwarf` (which must outlive the index).
    explicit function_index(Dwarf* dwarf)
    {
        Dwarf_Off off = 0, next = 0;
        std::size_t header = 0;
        while (dwarf_nextcu(dwarf, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
            Dwarf_Die cu;
            if (dwarf_offdie(dwarf, off + header, &cu))
                add_unit(cu);
            off = next;
        }
        std::sort(names_.begin(), names_.end());
        names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
        names_.shrink_to_fit();
        units_.shrink_to_fit();
    }

    /// Calls `f(Dwarf_Die& cu)` for each CU with a function definition named `name` (its
    /// DW_AT_name or linkage name), in CU order; `f` returns false to stop.
    template <typename F>
    void for_each_unit(std::string_view name, F&& f) const
    {
        std::uint64_t const key = hash(name);
        auto it = std::lower_bound(names_.begin(), names_.end(), entry{key, 0});
        for (; it != names_.end() && it->first == key; ++it) { // ascending units
            Dwarf_Die cu = units_[it->second];
            if (!f(cu))
                return;
        }
    }

private:
    using entry = std::pair<std::uint64_t, std::uint32_t>; // name hash, unit

    static std::uint64_t hash(std::string_view name) noexcept
    {
        return std::hash<std::string_view>{}(name);
    }

    void add_unit(Dwarf_Die& cu)
    {
        auto const unit = static_cast<std::uint32_t>(units_.size());
        units_.push_back(cu);
        for_each_function(&cu, [&](Dwarf_Die& die) {
            // Declarations are never probed; leaving them out keeps the index small.
            if (!is_function_definition(&die))
                return true;
            if (char const* name = die_name(&die))
                names_.emplace_back(hash(name), unit);
            if (char const* linkage = linkage_name(&die))
                names_.emplace_back(hash(linkage), unit);
            return true;
        });
    }

    std::vector<Dwarf_Die> units_;
    std::vector<entry> names_; ///< sorted, unique
};

} // namespace probekit::dwarf
