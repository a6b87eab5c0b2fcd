"""seqmem's free recall (kind = "free_recall") against an independent NumPy implementation of the
same model (bench/free_recall_numpy.py), statistically: for each parameter setting below, seqmem
(the command line, 4000 lists) and the NumPy peer (4000 lists, NumPy's own generator) must give the
same serial-position curve, probability of first recall, lag-CRP at lags -3..3 and recalls per list
(with categories also the category CRP and intrusions per list) within sampling error: every point
within Z = 4 standard errors of the difference of two independent samples (pooled binomial
proportions: SPC and PFR per list, the lag-CRP as actual / possible; means with the per-list
variance). Both sides use fixed seeds, so the outcome is reproducible.

The check must be able to fail: test_a_wrong_peer_fails runs the peer with one parameter off in
each setting (WRONG: the drift at recall, salience decay, the learned share of M^FC, the category
similarity, the accumulator's inhibition) and requires the comparison to reject it. (Changes to the
peer's code were rejected the same way, with max |z| from 4.5 to 100: the salience exponent off by
one presentation, primacy from 1-based positions, the stop rule one output late, sqrt(s) -> s in the
category features, no drift to the start context, rho without its c . c_in term, no floor at 0 or
noise amplitude eta h instead of eta sqrt(h) in the accumulator, softmax with 0.8 tau. Not seen at
4000 lists: a reinstated context left unnormalised, |c_in| about 0.9, max |z| 2.6.) The peer
against itself (other seeds; 3 pairs per setting, 600 points) gives z with standard deviation 0.98
(SPC), 0.85 (PFR), 1.01 (lag-CRP), 0.84 (recalls per list) and max |z| 3.6.
The curves seqmem's C++ computes (the file's datasets) are also compared, exactly, with
seqmem.free_recall on the file's own events.

Run by ctest as
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_free_recall_peer.py
with SEQMEM_BIN naming the seqmem binary (default build/seqmem). About 17 s on the 2-core development
machine (27 s while it was busy with other work).
"""

import importlib.util
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEQMEM = os.environ.get("SEQMEM_BIN", str(ROOT / "build/seqmem"))
_spec = importlib.util.spec_from_file_location("free_recall_numpy", ROOT / "bench/free_recall_numpy.py")
peer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peer)

LISTS = 4000
Z = 4.0
LAGS = 3  # lag-CRP compared at -LAGS..LAGS
SEQMEM_SEED, PEER_SEED = 11, 2024

SETTINGS = {
    # CMR with a primacy gradient, Luce's choice rule
    "luce_primacy": dict(beta_enc=0.6, beta_rec=0.5, phi_s=4.0, phi_d=0.8, tau=2.0, X_s=0.02, X_k=0.25),
    # the softmax (modern Hopfield) choice rule, salience decaying with the time since study;
    # intrusions from the pool
    "softmax": dict(recall_rule="softmax", tau=10.0, phi_s=1.0, phi_d=0.3, salience_decay_time=8.0,
                    retention_interval=2.0),
    # learned M^FC (a recalled item reinstates its study context), drift back to the start of the list
    "reinstatement": dict(beta_enc=0.6, gamma_fc=0.6, beta_start=0.6, phi_s=1.0, phi_d=0.5, tau=2.0),
    # semantic categories of the pool: category clustering and same-category intrusions
    "categories": dict(categories=8, category_similarity=0.3, phi=1.5, tau=3.0),
    # the leaky competing accumulator, a short recall period with a coarse step
    "accumulator": dict(recall_rule="accumulator", N_items=32, L=12, beta_enc=0.4, beta_rec=0.4, phi_s=1.0,
                        phi_d=0.5, kappa=0.1, eta=0.05, accumulator_threshold=0.5, recall_period=6.0, dt=0.05,
                        **{"lambda": 0.02}),
}
# One parameter off in the peer: the comparison must reject each.
WRONG = {
    "luce_primacy": {"beta_rec": 0.4},
    "reinstatement": {"gamma_fc": 0.45},
    "softmax": {"salience_decay_time": 6.0},
    "categories": {"category_similarity": 0.2},
    "accumulator": {"lambda": 0.04},
}


@pytest.fixture(scope="module")
def seqmem_run(tmp_path_factory):
    """seqmem's side of a setting (peer.read_seqmem: the file's C++ curves, its events analysed)."""
    folder = tmp_path_factory.mktemp("free_recall_peer")
    cache = {}

    def get(name):
        if name not in cache:
            toml, out = folder / f"{name}.toml", folder / f"{name}.h5"
            toml.write_text(peer.scenario_toml(SETTINGS[name], LISTS, SEQMEM_SEED))
            p = subprocess.run([SEQMEM, "run", str(toml), "-o", str(out), "-q", "-j", "2"], capture_output=True,
                               text=True)
            assert p.returncode == 0, p.stderr
            cache[name] = peer.read_seqmem(out, SETTINGS[name])
        return cache[name]

    return get


def report(z, ours, theirs):
    worst = sorted(z.items(), key=lambda kv: -abs(kv[1]))[:8]
    lines = [f"  {k:<22} z = {v:+7.2f}" for k, v in worst]
    return (f"recalls per list: seqmem {ours['recalls_per_list']:.3f}, peer {theirs['recalls_per_list']:.3f}; "
            f"largest |z| (limit {Z}):\n" + "\n".join(lines))


def test_the_peer_runs_the_same_parameters(seqmem_run):
    """Every parameter of the peer that seqmem writes as an attribute (the defaults included) has
    the same value in seqmem's file."""
    for name, params in SETTINGS.items():
        ours = seqmem_run(name)
        attrs, category = ours["attrs"], ours["file"]["item_category"]
        model = peer.CMR(**params)
        assert attrs["kind"] == "free_recall" and attrs["n_lists"] == LISTS
        compared = [k for k in model.p if k in attrs]
        assert len(compared) >= 12, (name, compared)
        for k in compared:
            a = attrs[k].decode() if isinstance(attrs[k], bytes) else attrs[k]
            assert a == model.p[k], (name, k, a, model.p[k])
        for k, v in {"drift": "discrete", "item_vectors": "orthonormal", "subjects": 1, "recognition": 0}.items():
            assert attrs[k] == v, (name, k, attrs[k])
        assert (model.category is None) == (category < 0).all()
        if model.category is not None:
            np.testing.assert_array_equal(category, model.category)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_file_curves_are_those_of_its_events(name, seqmem_run):
    """seqmem's C++ analyses equal seqmem.free_recall on the same file's events, exactly."""
    ours = seqmem_run(name)
    attrs, files, events = ours["attrs"], ours["file"], ours["events"]
    np.testing.assert_allclose(files["spc"], events["spc"], rtol=1e-12)
    np.testing.assert_allclose(files["pfr"], events["pfr"], rtol=1e-12)
    np.testing.assert_array_equal(files["lag"], events["lag"])
    np.testing.assert_array_equal(files["lag_crp_actual"], events["lag_actual"])
    np.testing.assert_array_equal(files["lag_crp_possible"], events["lag_possible"])
    assert attrs["recalls_per_list"] == pytest.approx(events["recalls_per_list"], rel=1e-12)
    assert attrs["intrusions_per_list"] == pytest.approx(events["intrusions_per_list"], rel=1e-12, abs=1e-15)
    if "category_actual" in events:
        a, n = events["category_actual"], events["category_possible"]
        assert attrs["same_category_crp"] == pytest.approx(a[0] / n[0], rel=1e-12)
        assert attrs["other_category_crp"] == pytest.approx(a[1] / n[1], rel=1e-12)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_seqmem_agrees_with_the_numpy_peer(name, seqmem_run):
    """seqmem's curves (the file's) and the peer's agree within Z standard errors at every point."""
    ours = seqmem_run(name)
    theirs = peer.CMR(**SETTINGS[name]).run(LISTS, seed=PEER_SEED)
    assert 1.0 < ours["recalls_per_list"] < len(ours["spc"]) - 0.5, "a setting that says nothing"
    z = peer.comparison(ours, theirs, LAGS)
    assert max(abs(v) for v in z.values()) < Z, f"{name}: seqmem and the NumPy peer differ\n" + report(z, ours, theirs)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_peer_fails(name, seqmem_run):
    """The comparison has the power to see one parameter off: with it the peer must be rejected."""
    ours = seqmem_run(name)
    theirs = peer.CMR(**{**SETTINGS[name], **WRONG[name]}).run(LISTS, seed=PEER_SEED)
    z = peer.comparison(ours, theirs, LAGS)
    assert max(abs(v) for v in z.values()) >= Z, f"{name} with {WRONG[name]} was not rejected\n" + report(
        z, ours, theirs)
