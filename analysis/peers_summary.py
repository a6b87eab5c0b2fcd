"""The human reference curves of free recall: subject-averaged serial-position curve, probability of
first recall, lag-CRP and per-list counts of the PEERS sample shipped with psifr (psifr's sample
data), computed with seqmem.free_recall and written as analysis/data/peers_summary.csv (read back
by seqmem.free_recall.human_summary).

Usage (from anywhere; the Python of the checkout's environment, which has the package seqmem):
    .venv/bin/python analysis/peers_summary.py PEERS_CSV [OUT]

PEERS_CSV is psifr's sample file peers_free_recall.csv (columns subject, list, position,
trial_type, item, session); OUT defaults to analysis/data/peers_summary.csv next to this script.
"""

import hashlib
import sys
from pathlib import Path

import pandas as pd

from seqmem import free_recall as fr

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "peers_summary.csv"
MAX_LAG = 5


def header(csv, s):
    """The comment block naming the source, its size and the command that made the file."""
    digest = hashlib.sha256(Path(csv).read_bytes()).hexdigest()
    return "\n".join([
        "# Free recall of human subjects: subject-averaged curves and per-list counts.",
        "# Source: PEERS, Penn Electrophysiology of Encoding and Retrieval Study (Kahana lab), the subset",
        "# shipped as sample data with psifr (Morton 2020, Psifr: Analysis and visualization of free recall",
        "# data, JOSS 5(54), 2669): immediate free recall, "
        f"{s['subjects']} subjects x {s['lists'] / s['subjects']:g} lists x {len(s['spc'])} items.",
        f"# Input: {Path(csv).name} (sha256 {digest}).",
        "# Made by: .venv/bin/python analysis/peers_summary.py peers_free_recall.csv (seqmem.free_recall.summary,",
        f"# max_lag={MAX_LAG}). Columns: curve (spc: P(recall) by serial position x; pfr: P(first recall) by x;",
        "# lag_crp: conditional response probability by lag x; then scalars), value = mean over subjects,",
        "# sem = standard error over subjects. Cite PEERS and psifr when you use these numbers.",
    ]) + "\n"


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    csv, out = argv[1], Path(argv[2]) if len(argv) == 3 else OUT
    events = pd.read_csv(csv)
    s = fr.summary(events, max_lag=MAX_LAG)
    table = fr.summary_table(s)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as f:
        f.write(header(csv, s))
        table.to_csv(f, index=False)
    print(table.to_string(index=False))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
