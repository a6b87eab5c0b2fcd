// The model kinds, one line each: a new kind is its folder and its line here (docs/architecture.md).
#include <stdexcept>
#include <utility>

#include "sim/kinds/kind.hpp"

namespace seqmem {

extern const Kind kGsemmKind;       // sim/kinds/gsemm/gsemm_kind.cpp
extern const Kind kDiffusionKind;   // sim/kinds/diffusion/diffusion_kind.cpp
extern const Kind kFreeRecallKind;  // sim/kinds/free_recall/free_recall_kind.cpp
extern const Kind kSequenceKind;    // sim/kinds/sequence/sequence_kind.cpp

namespace {

const std::pair<ModelKind, const Kind*> kKinds[] = {
    {ModelKind::gsemm, &kGsemmKind},
    {ModelKind::dense_gsemm, &kGsemmKind},
    {ModelKind::gamm, &kGsemmKind},
    {ModelKind::diffusion, &kDiffusionKind},
    {ModelKind::free_recall, &kFreeRecallKind},
    {ModelKind::seqnet, &kSequenceKind},
    {ModelKind::densenet, &kSequenceKind},
    {ModelKind::mixednet, &kSequenceKind},
    {ModelKind::eden, &kSequenceKind},
};

}  // namespace

const Kind& kind_of(ModelKind m) {
  for (const auto& [model, kind] : kKinds)
    if (model == m) return *kind;
  throw std::logic_error(std::string("no module for kind ") + to_string(m));
}

FileCache load_files(const Scenario& sc) {
  FileCache files;
  for (const RunSpec& r : sc.runs) kind_of(r.model).load_files(sc, r, files);  // one pass: each access resolves a run
  return files;
}

}  // namespace seqmem
