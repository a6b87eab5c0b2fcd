"""`seqmem merge` checks every table of every shard before it writes anything: the columns seqmem
writes and no others, of equal lengths; the /capacity rows exactly the (configuration, degree, seed)
pairs that the shard's own scenario gives its shard number, once each; every evaluation of one of
them, once. A damaged shard (a column cut short, a row lost or added, a column missing or foreign)
is refused with exit status 2, one line naming the shard, the table and the column or the pair,
and no output file.

usage: /usr/bin/python3 tests/test_merge.py /path/to/seqmem   (from the repository root)
"""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

import unittest_main  # tests/unittest_main.py

SEQMEM = None
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios/fig3_capacity_quick.toml")
# 2 degrees x 2 seeds, K up to 8: 4 pairs, under a second
SETS = ["--set", "sweep_degrees=[2, 3]", "--set", "sweep_seeds=[1, 2]", "--set", "K_max=8",
        "--set", "sweep_alpha_c=[0.5, 1.0]"]


def seqmem(*args):
    return subprocess.run([SEQMEM, *map(str, args)], capture_output=True, text=True, timeout=300)


def read_table(f, group):
    return {k: f[group][k][()] for k in f[group]}


def write_table(f, group, columns):
    """Replaces a table group by plain datasets (no dimension scales: the merge must not need them)."""
    del f[group]
    g = f.create_group(group)
    for k, v in columns.items():
        g[k] = v


class Merge(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        cls.shards = [cls.dir / f"s{i}.h5" for i in (1, 2)]
        for i, s in enumerate(cls.shards, 1):
            p = seqmem("sweep", SCENARIO, "-o", s, "-q", "-j", "1", "--shard", f"{i}/2", *SETS)
            assert p.returncode == 0, p.stderr
        cls.whole = cls.dir / "whole.h5"
        p = seqmem("sweep", SCENARIO, "-o", cls.whole, "-q", "-j", "1", *SETS)
        assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def damaged(self, name, change):
        """A copy of shard 1 changed by change(h5py.File)."""
        copy = self.dir / f"{name}.h5"
        shutil.copy(self.shards[0], copy)
        with h5py.File(copy, "r+") as f:
            change(f)
        return copy

    def refused(self, shard, message):
        out = self.dir / "merged.h5"
        p = seqmem("merge", shard, self.shards[1], "-o", out)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(str(shard), p.stderr)
        self.assertIn(message, p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertNotIn("internal error", p.stderr)
        self.assertFalse(out.exists())
        self.assertEqual([x.name for x in self.dir.iterdir() if ".partial-" in x.name], [])

    def test_the_good_shards_merge_to_the_whole_sweep(self):
        out = self.dir / "good.h5"
        p = seqmem("merge", *self.shards, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(out, "r") as a, h5py.File(self.whole, "r") as b:
            for g in ("evaluations", "capacity"):
                for c in b[g]:
                    if c != "wall_time_s":
                        np.testing.assert_array_equal(a[g][c][()], b[g][c][()], err_msg=f"{g}/{c}")

    def test_a_column_cut_short(self):
        # the reviewer's case: K_largest_tried one row shorter than the other columns of /capacity
        def cut(f):
            t = read_table(f, "capacity")
            t["K_largest_tried"] = t["K_largest_tried"][:-1]
            write_table(f, "capacity", t)
        self.refused(self.damaged("cut", cut), "table 'capacity', column 'K_largest_tried' has 1 rows")

    def test_an_evaluation_column_cut_short(self):
        def cut(f):
            t = read_table(f, "evaluations")
            t["t_stop"] = t["t_stop"][:-2]
            write_table(f, "evaluations", t)
        self.refused(self.damaged("cut_ev", cut), "table 'evaluations', column 't_stop' has")

    def test_a_missing_column(self):
        def drop(f):
            del f["evaluations/cycles"]
        self.refused(self.damaged("missing", drop), "table 'evaluations' has no column 'cycles'")

    def test_a_foreign_column(self):
        def add(f):
            f["capacity/mystery"] = np.zeros(len(f["capacity/capacity"]))
        self.refused(self.damaged("foreign", add), "table 'capacity' has a column 'mystery' that seqmem does not write")

    def test_a_lost_capacity_row(self):
        def lose(f):
            t = read_table(f, "capacity")
            write_table(f, "capacity", {k: v[:-1] for k, v in t.items()})
        self.refused(self.damaged("lost", lose), "table 'capacity' lacks (config 0, degree")

    def test_a_pair_of_another_shard(self):
        def relabel(f):
            t = read_table(f, "capacity")
            t["seed"] = t["seed"].copy()
            t["seed"][0] = 99
            write_table(f, "capacity", t)
        self.refused(self.damaged("relabel", relabel), "seed 99), which is not one of this shard's pairs")

    def test_a_pair_twice(self):
        def twice(f):
            t = read_table(f, "capacity")
            write_table(f, "capacity", {k: np.concatenate([v, v[:1]]) for k, v in t.items()})
        self.refused(self.damaged("twice", twice), "table 'capacity' holds (config 0, degree")

    def test_an_evaluation_twice(self):
        def twice(f):
            t = read_table(f, "evaluations")
            write_table(f, "evaluations", {k: np.concatenate([v, v[:1]]) for k, v in t.items()})
        self.refused(self.damaged("ev_twice", twice), "table 'evaluations' holds the evaluation")

    def test_an_evaluation_of_another_shard(self):
        with h5py.File(self.shards[1], "r") as f:
            other = read_table(f, "evaluations")

        def add(f):
            t = read_table(f, "evaluations")
            write_table(f, "evaluations", {k: np.concatenate([v, other[k][:1]]) for k, v in t.items()})
        self.refused(self.damaged("ev_other", add), "which is not one of this shard's pairs")


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Merge)


if __name__ == "__main__":
    main()
