// The function definitions of a module by name, found in one walk over all CUs, so that a
// probe on FUNC looks at the DIEs that define FUNC instead of every function of every CU
// (glibc: 4,000 CUs, which perf walks for each command).
//
//   function_index const index(dwarf);
//   index.for_each_unit("area", [](Dwarf_Die& cu, std::span<Dwarf_Die> functions) {
//       ...; return true; // go on with the next CU
//   });
//
// Units come in CU order and the functions of a unit in DIE order, which is the order
// perf's walk meets them in, so results keep perf's order. A name is kept as a 64-bit
// hash (24 bytes an entry with its unit and DIE): a collision only hands the caller a
// function whose name it then finds not to match.
#pragma once

#include <probekit/dwarf/die_walk.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <tuple>
#include <string_view>
#include <utility>
#include <vector>

namespace probekit::dwarf {

class function_index {
public:
    /// Walks every CU of `dwarf` (which must outlive the index).
    explicit function_index(Dwarf* dwarf) : dwarf_(dwarf)
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

    /// Calls `f(Dwarf_Die& cu, std::span<Dwarf_Die> functions)` for each CU with function
    /// definitions named `name` (DW_AT_name or linkage name), with those definitions, in
    /// CU order; `f` returns false to stop.
    template <typename F>
    void for_each_unit(std::string_view name, F&& f) const
    {
        std::uint64_t const key = hash(name);
        auto it = std::lower_bound(names_.begin(), names_.end(), entry{key, 0, 0});
        std::vector<Dwarf_Die> group;
        for (; it != names_.end() && it->hash == key; ++it) { // ascending (unit, DIE)
            Dwarf_Die die;
            if (dwarf_offdie(dwarf_, it->die, &die))
                group.push_back(die);
            auto const next = it + 1;
            if (next != names_.end() && next->hash == key && next->unit == it->unit)
                continue;
            Dwarf_Die cu = units_[it->unit];
            if (!group.empty() && !f(cu, std::span<Dwarf_Die>(group)))
                return;
            group.clear();
        }
    }

private:
    struct entry {
        std::uint64_t hash;
        std::uint32_t unit; ///< index into units_
        Dwarf_Off die;      ///< offset in .debug_info

        friend bool operator<(entry const& a, entry const& b) noexcept
        {
            return std::tie(a.hash, a.unit, a.die) < std::tie(b.hash, b.unit, b.die);
        }
        friend bool operator==(entry const&, entry const&) = default;
    };

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
            // A DIE of another file (a dwz partial unit) has no offset in ours: left out.
            if (!is_function_definition(&die) || dwarf_cu_getdwarf(die.cu) != dwarf_)
                return true;
            Dwarf_Off const off = dwarf_dieoffset(&die);
            if (char const* name = die_name(&die))
                names_.push_back({hash(name), unit, off});
            if (char const* linkage = linkage_name(&die))
                names_.push_back({hash(linkage), unit, off});
            return true;
        });
    }

    Dwarf* dwarf_;
    std::vector<Dwarf_Die> units_;
    std::vector<entry> names_; ///< sorted, unique
};

} // namespace probekit::dwarf
