#include "sim/sweeps/capacity_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace seqmem {

std::string capacity_table(const std::vector<Capacity>& caps, const std::vector<std::string>& config_names) {
  std::map<int, std::vector<const Capacity*>> by_config;
  for (const Capacity& c : caps) by_config[c.config].push_back(&c);
  std::string out;
  bool gap = false;
  for (const auto& [config, list] : by_config) {
    // rows: the degrees (and, with capacity_per_alpha_c, each alpha_c); columns: the seeds
    std::set<std::pair<int, double>> rows;
    std::set<std::uint64_t> seeds;
    std::map<std::tuple<int, double, std::uint64_t>, const Capacity*> cell;
    bool per_alpha = false;
    for (const Capacity* c : list) {
      rows.insert({c->degree, c->alpha_c});
      seeds.insert(c->seed);
      cell[{c->degree, c->alpha_c, c->seed}] = c;
      per_alpha |= c->alpha_c >= 0;
    }
    std::string name;
    if (by_config.size() > 1 || config != 0)
      name = fmt::format(" ({})", config >= 0 && static_cast<std::size_t>(config) < config_names.size()
                                      ? config_names[static_cast<std::size_t>(config)]
                                      : fmt::format("configuration {}", config));
    out += fmt::format("capacity{}:\n{:>8}{}", name, "degree", per_alpha ? fmt::format(" {:>8}", "alpha_c") : "");
    for (auto s : seeds) out += fmt::format(" {:>8}", fmt::format("seed {}", s));
    out += "\n";
    for (const auto& [d, a] : rows) {
      out += fmt::format("{:>8}", d);
      if (per_alpha) out += fmt::format(" {:>8}", fmt::format("{:g}", a));
      for (auto s : seeds) {
        const auto it = cell.find({d, a, s});
        std::string v = "-";
        if (it == cell.end()) gap = true;
        else
          v = fmt::format("{}{}", it->second->search.stop == SearchStop::failure ? "" : "≥",
                          it->second->search.capacity);
        out += fmt::format(" {:>8}", v);
      }
      out += "\n";
    }
  }
  if (by_config.empty()) out += "capacity: no (degree, seed) pair in this file\n";
  out += fmt::format("('≥': a lower bound, the search reached K_max or an evaluation's budget{})\n",
                     gap ? "; '-': not in this file" : "");
  return out;
}

}  // namespace seqmem
