"""The layers run one way (docs/architecture.md): no C++ file includes a file of a layer below its
own in the table below (a larger number is further from the equations), and no model kind's folder
includes another kind's (sim/kinds/<kind>/ stands alone behind sim/kinds/kind.hpp). Every project
include is written from the repository root, so the check reads the #include lines.

usage: python3 tests/test_layers.py
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# folder -> layer (docs/architecture.md, "Layers"); the deepest matching prefix wins
LAYERS = {
    "models": 1,
    "sim/core": 2,
    "sim/solvers": 3,
    "analysis": 4,
    "sim/experiments": 5,
    "sim/scenario": 6,
    "sim/output": 6,
    "sim/parallel": 6,
    "sim/kinds": 7,
    "sim/drivers": 8,
    "sim/sweeps": 8,
    "sim/app": 9,
}
INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)


def layer(path):
    best = None
    for folder, n in LAYERS.items():
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best[0]):
                best = (folder, n)
    return best


def main():
    sources = [p for d in ("models", "sim", "analysis") for p in (ROOT / d).rglob("*")
               if p.suffix in (".cpp", ".hpp")]
    bad, unplaced, arrows = [], [], 0
    for src in sorted(sources):
        rel = src.relative_to(ROOT).as_posix()
        mine = layer(rel)
        if mine is None:
            unplaced.append(rel)
            continue
        for target in INCLUDE.findall(src.read_text()):
            if not (ROOT / target).exists():
                if (src.parent / target).exists():
                    bad.append(f"{rel}: #include \"{target}\" is relative to the file; write it from the root")
                continue  # generated (version.hpp, git_commit.hpp)
            theirs = layer(target)
            arrows += 1
            if theirs and theirs[1] > mine[1]:
                bad.append(f"{rel} (layer {mine[1]}, {mine[0]}) includes {target} (layer {theirs[1]}, {theirs[0]})")
            kind_of = lambda p: p.split("/")[2] if p.startswith("sim/kinds/") and p.count("/") >= 3 else None
            if kind_of(rel) and kind_of(target) and kind_of(rel) != kind_of(target):
                bad.append(f"{rel} (kind {kind_of(rel)}) includes {target} (kind {kind_of(target)})")
    for line in unplaced:
        print(f"not in any layer: {line}")
    for line in bad:
        print(f"against the layers: {line}")
    print(f"{len(sources)} files, {arrows} includes; {len(bad)} against the layers, {len(unplaced)} outside them")
    sys.exit(1 if bad or unplaced else 0)


if __name__ == "__main__":
    main()
