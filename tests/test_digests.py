"""The outputs of every shipped scenario, held fixed: a digest (SHA-256 of the dtype, shape and
bytes) of every dataset of the file each scenario writes, shortened so that each takes seconds,
compared with the digests committed in tests/digests.json. A change of the code that changes no
result leaves every digest equal; one that changes a result must say so by regenerating the file
(and its commit says why).

Shortened: runs as tests/test_python_package.py shortens them (fewer trajectories, lists or
time); sweeps and readings with their own degrees and seeds, K up to 16 (no K_list) and no wall
budget. Left out: the wall-clock columns (`wall_time_s`), which are not results.

usage:
    .venv/bin/python tests/test_digests.py build/seqmem            # compare
    .venv/bin/python tests/test_digests.py build/seqmem --write    # regenerate tests/digests.json
"""

import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DIGESTS = Path(__file__).resolve().parent / "digests.json"
# Runs, shortened where long (as tests/test_python_package.py).
RUNS = {
    "fig1_two_episodes": {"t_end": "200.0"},
    "fig2_energy_landscape": {"fp_every": "20"},
    "gsemm_stiff_limit": {"t_end": "60.0"},
    "diffusion_recall": {"trajectories": "200"},
    "diffusion_equivalence": {"trajectories": "20"},
    "diffusion_landscapes": {"trajectories": "40"},
    "diffusion_continuum": {"trajectories": "40"},
    "free_recall_peers": {"lists": "10"},
    "free_recall_phi_sweep": {"lists": "20"},
    "free_recall_recognition": {"lists": "10"},
    "free_recall_salience": {"lists": "20"},
    "free_recall_gsemm": {"lists": "2", "t_end": "80.0"},
    "eden_run": {"t_end": "200.0"},
    "family_eden_runs": {"t_end": "300.0"},
    "family_eden_runs_N": {"t_end": "300.0"},
}
BASELINES = {"baseline_hopfield": {"trials": "3", "baseline_N": "[40]"},
             "baseline_dense": {"trials": "2", "baseline_N": "[20]", "baseline_degrees": "[2]"},
             "family_capacity": {"trials": "2", "baseline_N": "[30]", "baseline_degrees": "[1, 2]"},
             "family_scaling": {"trials": "2", "baseline_N": "[20, 30]"},
             "family_eden": {"trials": "2", "P_max": "64"},
             "family_delay": {"trials": "2", "baseline_N": "[30]", "baseline_degrees": "[1, 2]"}}
NOT_RESULTS = {"wall_time_s"}


def overrides(path):
    """The command and the --set pairs that shorten the shipped scenario at `path`."""
    name = path.stem
    doc = tomllib.loads(path.read_text())
    if name in BASELINES:
        return "sweep", BASELINES[name]
    if "sweep" in doc:
        sw = doc["sweep"]
        sets = {"K_max": "16", "K_list": "[]", "max_wall_s": "0.0"}
        if sw.get("K_min", 2) > 16:
            sets["K_min"] = "2"
        return "sweep", sets
    return "run", RUNS.get(name, {})


def digest(array):
    a = np.asarray(array)
    h = hashlib.sha256(f"{a.dtype.str}{a.shape}".encode())
    h.update(a.tobytes() if a.dtype.kind not in "OSU" else repr(a.tolist()).encode())
    return h.hexdigest()[:24]


def file_digests(h5):
    out = {}
    with h5py.File(h5, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name.rsplit("/", 1)[-1] not in NOT_RESULTS:
                out[name] = digest(obj[()])
        f.visititems(visit)
    return dict(sorted(out.items()))


def all_digests(seqmem):
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(SCENARIOS.glob("*.toml")):
            command, sets = overrides(path)
            out = Path(tmp) / f"{path.stem}.h5"
            args = [seqmem, command, str(path), "-o", str(out), "-q", "-j", "2"]
            for k, v in sets.items():
                args += ["--set", f"{k}={v}"]
            p = subprocess.run(args, capture_output=True, text=True, timeout=900)
            if p.returncode != 0:
                raise RuntimeError(f"{path.name}: {' '.join(args[1:])} failed ({p.returncode}): {p.stderr}")
            result[path.name] = file_digests(out)
            print(f"{path.name}: {len(result[path.name])} datasets", flush=True)
    return result


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--write"):
        sys.exit(f"usage: {sys.argv[0]} /path/to/seqmem [--write]")
    got = all_digests(str(Path(sys.argv[1]).resolve()))
    if len(sys.argv) == 3:
        DIGESTS.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        print(f"wrote {DIGESTS}")
        return
    want = json.loads(DIGESTS.read_text())
    bad = []
    for scenario in sorted(set(want) | set(got)):
        w, g = want.get(scenario), got.get(scenario)
        if w is None or g is None:
            bad.append(f"{scenario}: {'new' if w is None else 'gone'}")
            continue
        for name in sorted(set(w) | set(g)):
            if w.get(name) != g.get(name):
                bad.append(f"{scenario}: {name}: " + ("new" if name not in w else "gone" if name not in g
                                                        else "values differ"))
    for line in bad:
        print("DIFFERS:", line)
    print(f"{sum(len(v) for v in got.values())} datasets of {len(got)} scenarios; {len(bad)} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
