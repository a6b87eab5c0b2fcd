#include "sim/output/key_attributes.hpp"

#include <toml++/toml.h>

#include <stdexcept>

#include "sim/output/h5file.hpp"
#include "sim/scenario/keys_read.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {
namespace {

void write_list(hid_t group, const KeyDef& k, const std::string& text) {
  const toml::table t = toml::parse("v = " + text);
  const toml::array& a = *t["v"].as_array();
  if (a.empty()) return;
  switch (k.type) {
    case Type::IntList:
    case Type::BoolList: {
      std::vector<std::int64_t> v;
      for (const auto& x : a) v.push_back(x.is_boolean() ? *x.value<bool>() : *x.value<std::int64_t>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::FloatList: {
      std::vector<double> v;
      for (const auto& x : a) v.push_back(x.is_integer() ? double(*x.value<std::int64_t>()) : *x.value<double>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::StringList: {
      std::vector<std::string> v;
      for (const auto& x : a) v.push_back(*x.value<std::string>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::IntListList: {
      std::vector<std::int64_t> flat, lengths;
      for (const auto& inner : a) {
        const toml::array& c = *inner.as_array();
        lengths.push_back(static_cast<std::int64_t>(c.size()));
        for (const auto& x : c) flat.push_back(*x.value<std::int64_t>());
      }
      h5::set_attr(group, k.key, flat);
      h5::set_attr(group, std::string(k.key) + "_lengths", lengths);
      break;
    }
    default:
      throw std::logic_error(std::string("write_list: ") + k.key + " is not a list");
  }
}

}  // namespace

void write_key_attributes(hid_t group, const RunSpec& r) {
  for (const auto& [name, value] : r.resolved) {
    const KeyDef* k = find_key(name);
    if (!k) throw std::logic_error("write_key_attributes: " + name + " is not in the schema");
    if (!key_applies(*k, r)) continue;
    switch (k->type) {
      case Type::IntList:
      case Type::IntListList:
      case Type::FloatList:
      case Type::BoolList:
      case Type::StringList:
        if (const auto* text = std::get_if<std::string>(&value)) {
          write_list(group, *k, *text);
          break;
        }
        [[fallthrough]];  // a BoolList given as one value (cyclic = true)
      default:
        h5::set_attr(group, name, value);
    }
  }
}

}  // namespace seqmem
