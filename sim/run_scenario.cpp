#include "run_scenario.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "diffusion_writer.hpp"
#include "output_file.hpp"
#include "resources.hpp"
#include "runner.hpp"
#include "version.hpp"

namespace seqmem {
namespace {

// The outcome line of a diffusion run: where the trajectories ended, against the posterior.
RunOutcome diffusion_summary(const RunSpec& spec, const DiffusionOutcome& o) {
  RunOutcome r;
  r.status = o.status;
  r.message = o.message;
  r.wall_s = o.wall_s;
  r.t_stop = spec.t_end;
  r.samples = spec.diffusion.trajectories;
  const double M = spec.diffusion.trajectories;
  // The most frequent end labels first (at most 6), then how many others.
  std::vector<std::size_t> order;
  for (std::size_t l = 0; l < o.label_counts.size(); ++l)
    if (o.label_counts[l] > 0) order.push_back(l);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return o.label_counts[a] > o.label_counts[b]; });
  std::string s;
  for (std::size_t j = 0; j < std::min<std::size_t>(order.size(), 6); ++j) {
    const std::size_t l = order[j];
    s += fmt::format(" {} {:.3f} ({:.3f})", l == 0 ? std::string("manifold") : fmt::format("ξ{}", l),
                     o.label_counts[l] / M, o.label_posterior(l));
  }
  if (order.size() > 6) s += fmt::format(" … ({} more)", order.size() - 6);
  if (o.result.mixtures > 0)
    s += fmt::format(" mixture {:.3f} (largest memory weight below {})", o.result.mixtures / M,
                     spec.diffusion.mixture_threshold);
  if (o.result.diverged > 0) s += fmt::format(" not finite {:.3f}", o.result.diverged / M);
  if (o.result.failed > 0) s += fmt::format(" stepper gave up {:.3f}", o.result.failed / M);
  r.detail = fmt::format("end states: fraction (posterior at the cue):{}", s);
  return r;
}

}  // namespace

void write_provenance(hid_t root, const Scenario& sc) {
  h5::set_attr(root, "seqmem_version", std::string(kVersion));
  h5::set_attr(root, "scenario", sc.text);
  h5::set_attr(root, "scenario_path", sc.path);
  h5::set_attr(root, "overrides", sc.overrides_text());
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  h5::set_attr(root, "created", std::string(buf));
}

std::vector<std::string> input_files(const Scenario& sc) {
  std::vector<std::string> in{sc.path};
  for (const RunSpec& r : sc.runs)
    for (const std::string* f : {&r.Xi_file, &r.Phi_file, &r.diffusion.Y_file, &r.diffusion.covariance_file})
      if (!f->empty() && std::find(in.begin(), in.end(), *f) == in.end()) in.push_back(*f);
  return in;
}

std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt) {
  if (sc.command != Command::run)
    throw InputError(fmt::format("{}: this scenario is a {}: run it with `seqmem sweep`", sc.path,
                                 sc.command == Command::sweep ? "capacity sweep ([sweep])" : "baseline ([baseline])"));
  ResourceLimits limits;
  limits.allow_large = opt.allow_large;
  const FileCache files = load_checked_files(sc, opt.threads > 0 ? opt.threads : omp_get_max_threads(), limits);
  OutputFile of(out, input_files(sc), opt.overwrite ? Existing::overwrite : Existing::refuse,
                "use --overwrite to replace it", opt.progress);

  h5::Handle file, runs;
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    file = h5::create_file(of.partial());
    write_provenance(file.id(), sc);
    h5::set_attr(file.id(), "n_runs", std::int64_t(sc.runs.size()));
    runs = h5::create_group(file.id(), "runs");
  } catch (const h5::Error& e) {
    throw_write_error(out, e.what());
  }

  std::vector<RunOutcome> outcomes(sc.runs.size());
  std::atomic<int> done{0};
  std::string fatal, write_error;
  std::atomic<bool> stop{false};  // a write failed: the disk will not take the other runs either
  const auto t0 = std::chrono::steady_clock::now();
  const int n = static_cast<int>(sc.runs.size());
  // No more threads than runs: with one run the team has one thread, and the fixed-point
  // analysis inside a run can use the cores (its own parallel region).
  // Diffusion runs parallelise over their trajectories instead: the runs go one after another.
  const int all = opt.threads > 0 ? opt.threads : omp_get_max_threads();
  const bool diffusion = sc.runs[0].model == ModelKind::diffusion;
  const int threads = std::max(1, std::min(n, all));
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
  // GSEMM runs stream into a part file each (memory does not grow with the duration) and are
  // joined into the output in run order as they finish: the file's bytes do not depend on the
  // order in which parallel runs end (h5::copy_group).
  if (!diffusion) of.expect_parts(static_cast<std::size_t>(n));
  std::vector<char> finished(static_cast<std::size_t>(n), 0);
  int next = 0;
  std::mutex join_mu;
  auto join_finished = [&]() {  // under join_mu
    while (next < n && finished[static_cast<std::size_t>(next)]) {
      const std::string part = of.part(static_cast<std::size_t>(next));
      {
        std::lock_guard<std::mutex> g(h5::lock());
        h5::Handle pf = h5::open_file_readonly(part);
        h5::copy_group(pf.id(), sc.runs[static_cast<std::size_t>(next)].id, runs.id(),
                       sc.runs[static_cast<std::size_t>(next)].id);
      }
      std::error_code ec;
      std::filesystem::remove(part, ec);
      of.part_exists(static_cast<std::size_t>(next), false);
      ++next;
    }
  };
  auto run_one = [&](int i) {
    try {
      const RunSpec spec = sc.runs[i];
      if (spec.model == ModelKind::diffusion) {
        const DiffusionOutcome o = simulate_diffusion(spec, files, all, opt.progress);
        write_diffusion_run(runs.id(), spec, o);
        outcomes[i] = diffusion_summary(spec, o);
      } else {
        const RunInputs in = make_inputs(spec, files);
        h5::Handle part;
        {
          std::lock_guard<std::mutex> g(h5::lock());
          of.part_exists(static_cast<std::size_t>(i), true);
          part = h5::create_file(of.part(static_cast<std::size_t>(i)));
        }
        {
          RunWriter w(part.id(), spec, in.Xi, in.Phi);
          outcomes[i] = simulate(spec, in, &w, opt.progress);
          w.finish(outcomes[i]);
        }
        {
          std::lock_guard<std::mutex> g(h5::lock());
          h5::close_file(part);
        }
        std::lock_guard<std::mutex> g(join_mu);
        finished[static_cast<std::size_t>(i)] = 1;
        join_finished();
      }
      const int d = ++done;
      if (opt.progress) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
#pragma omp critical(progress)
        fmt::print(stderr, "[{}/{}] {} {} ({:.2f} s; elapsed {:.1f} s, eta {:.1f} s)\n", d, n, spec.id,
                   outcomes[i].status, outcomes[i].wall_s, el, el / d * (n - d));
      }
    } catch (const h5::Error& e) {
      stop = true;
#pragma omp critical(fatal)
      write_error = e.what();
    } catch (const std::exception& e) {
      stop = true;
#pragma omp critical(fatal)
      fatal = e.what();
    }
  };
  if (diffusion) {
    for (int i = 0; i < n && !stop; ++i) run_one(i);
  } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int i = 0; i < n; ++i)
      if (!stop) run_one(i);
  }
  {
    std::lock_guard<std::mutex> g(h5::lock());
    runs = h5::Handle();
    try {
      h5::close_file(file);
    } catch (const h5::Error& e) {
      if (write_error.empty()) write_error = e.what();
    }
  }
  if (!write_error.empty()) throw_write_error(out, write_error);  // ~OutputFile removes the partial file
  if (!fatal.empty()) throw std::runtime_error(fatal);
  of.commit();
  return outcomes;
}

}  // namespace seqmem
