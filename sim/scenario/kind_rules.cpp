// The model kinds as the scenario layer sees them, one line each (sim/scenario/key_rules.hpp): the
// family of keys, the resolver and the rule saying which keys a run reads. Their runners, writers and
// estimates are listed in sim/kinds/registry.cpp.
#include <stdexcept>
#include <utility>

#include "sim/scenario/key_rules.hpp"

namespace seqmem {

using scenario_detail::Values;

// sim/kinds/gsemm/resolve_gsemm.cpp, gsemm_keys.cpp
namespace scenario_detail { RunSpec resolve_gsemm(const Values& v, const std::string& dir, RunSpec r); }
Applies gsemm_key_applies(const KeyDef& k, const RunSpec& r);
// sim/kinds/diffusion/resolve_diffusion.cpp, diffusion_keys.cpp
namespace scenario_detail { RunSpec resolve_diffusion(const Values& v, const std::string& dir, RunSpec r); }
Applies diffusion_key_applies(const KeyDef& k, const RunSpec& r);
// sim/kinds/free_recall/resolve_free_recall.cpp, free_recall_keys.cpp
namespace scenario_detail { RunSpec resolve_free_recall(const Values& v, const std::string& dir, RunSpec r); }
Applies free_recall_key_applies(const KeyDef& k, const RunSpec& r);
std::string describe_free_recall(const RunSpec& r);
// sim/kinds/sequence/resolve_sequence.cpp, sequence_keys.cpp
namespace scenario_detail {
RunSpec resolve_sequence(const Values& v, const std::string& dir, RunSpec r);
}
Applies sequence_key_applies(const KeyDef& k, const RunSpec& r);

namespace {

const KindRules kGsemm{Family::gsemm, scenario_detail::resolve_gsemm, gsemm_key_applies};
const KindRules kDiffusion{Family::diffusion, scenario_detail::resolve_diffusion, diffusion_key_applies};
const KindRules kFreeRecall{Family::free_recall, scenario_detail::resolve_free_recall, free_recall_key_applies,
                            describe_free_recall};
const KindRules kSequence{Family::sequence, scenario_detail::resolve_sequence, sequence_key_applies};

const std::pair<ModelKind, const KindRules*> kRules[] = {
    {ModelKind::gsemm, &kGsemm},         {ModelKind::dense_gsemm, &kGsemm},      {ModelKind::gamm, &kGsemm},
    {ModelKind::diffusion, &kDiffusion}, {ModelKind::free_recall, &kFreeRecall}, {ModelKind::seqnet, &kSequence},
    {ModelKind::densenet, &kSequence},   {ModelKind::mixednet, &kSequence},      {ModelKind::eden, &kSequence},
};

}  // namespace

const KindRules& kind_rules(ModelKind m) {
  for (const auto& [model, rules] : kRules)
    if (model == m) return *rules;
  throw std::logic_error(std::string("no rules for kind ") + to_string(m));
}

}  // namespace seqmem
