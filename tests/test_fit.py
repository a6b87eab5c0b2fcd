"""Fitting CMR as a command and a function (seqmem-fit, seqmem.fit_free_recall): it takes the data
file, the parameters to free with their bounds, fixed keys, the seed and the output; it writes only
the output it is given (never the repository's files), refuses to replace one without --overwrite,
and refuses bad arguments with exit status 2 and one message. The fitted scenario is a valid
scenario, and a fit to data simulated from known parameters lands nearer them than the search's
start.

usage: SEQMEM_BIN=build/seqmem python -m pytest tests/test_fit.py   (from the repository root)
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEQMEM = os.environ.get("SEQMEM_BIN", str(ROOT / "build" / "seqmem"))
sys.path.insert(0, str(Path(SEQMEM).resolve().parent / "python"))  # the build's package
import seqmem  # noqa: E402
from seqmem import fit  # noqa: E402

TRUE = {"tau": 4.0, "X_s": 0.06}


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    """A psifr event table simulated from known parameters: 20 subjects x 20 lists of 12 items."""
    d = tmp_path_factory.mktemp("data")
    sc = {"seed": 7, "model": {"kind": "free_recall"}, "items": {"N_items": 12},
          "lists": {"L": 12, "subjects": 20, "lists": 20}, "recall": {**TRUE, "X_k": 0.0}}
    seqmem.run(sc, out=d / "sim.h5")
    table = seqmem.free_recall.read_events(d / "sim.h5")
    path = d / "events.csv"
    seqmem.free_recall.to_csv(table, path)
    return path


def tracked_digest():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    h = hashlib.sha256()
    for f in files:
        p = ROOT / f
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def command(*args, cwd):
    return subprocess.run([sys.executable, "-m", "seqmem.fit", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(Path(SEQMEM).resolve().parent / "python")},
                          timeout=600)


def test_the_command_writes_only_its_output_and_the_scenario_runs(events, tmp_path):
    before = tracked_digest()
    out = tmp_path / "fitted.toml"
    args = [events, "--free", "tau=1:10", "--free", "X_s=0.01:0.2:log", "--set", "X_k=0", "--lists", "10",
            "--seed", "3", "--quick", "-q", "-o", out]
    p = command(*args, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["fitted.toml"]
    assert tracked_digest() == before, "the fit changed a file of the repository"
    text = out.read_text()
    unwrapped = text.replace("\n# ", " ")
    assert "# Made by: seqmem-fit" in text and "tau in [1, 10]; X_s in [0.01, 0.2] (log scale)" in unwrapped
    v = subprocess.run([SEQMEM, "validate", out], capture_output=True, text=True)
    assert v.returncode == 0, v.stderr
    # an existing output is refused, and replaced with --overwrite
    again = command(*args, cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert f"seqmem-fit: error: {out}: exists; replace it with --overwrite" in again.stderr
    assert command(*args, "--overwrite", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--free", "tau=10:1"], "free parameter 'tau': the bounds must be finite with low < high"),
    (["--free", "tau=0:10:log"], "free parameter 'tau': a log scale needs low > 0"),
    (["--free", "tau"], "--free tau: expected key=low:high or key=low:high:log"),
    (["--free", "alpah=0:1"], "free parameter 'alpah': not a key of kind = \"free_recall\""),
    (["--free", "tau=1:10", "--set", "tau=2"], "'tau' is both free and fixed"),
    (["--free", "tau=1:10", "--set", "X_s=5"], "X_s"),
])
def test_bad_arguments_exit_2_with_one_message(events, tmp_path, args, message):
    p = command(events, *args, "--quick", "-q", "-o", tmp_path / "x.toml", cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr and p.stderr.startswith("seqmem-fit: error: "), p.stderr
    assert not (tmp_path / "x.toml").exists()


def test_missing_output_and_data_are_refused(tmp_path):
    assert command(ROOT / "analysis/data/peers_summary.csv", cwd=tmp_path).returncode == 2  # -o is required
    p = command(tmp_path / "none.csv", "-o", tmp_path / "x.toml", cwd=tmp_path)
    assert p.returncode == 2 and "none.csv: no such file" in p.stderr


def test_the_function_recovers_a_known_parameter_better_than_its_start(events):
    r = seqmem.fit_free_recall(events, free={"tau": (1.0, 10.0)}, fixed={"X_s": TRUE["X_s"], "X_k": 0.0},
                               lists=20, seed=5, search="quick", progress=False)
    assert 1.0 <= r["params"]["tau"] <= 10.0
    # the search starts at the middle of the bounds (5.5): the fit lands nearer the truth (4.0)
    assert abs(r["params"]["tau"] - TRUE["tau"]) < abs(5.5 - TRUE["tau"]), r["params"]
    assert r["sse"] < 0.05 and set(r["rmse"]) == {"spc", "pfr", "lag_crp"}
