"""The checkout this package was built from, and the scenarios it ships.

``./setup.sh build`` installs the package into the checkout's own ``.venv``: the installed copy
records the checkout's folder (``seqmem/data/checkout.txt``, written by setup.py). The build's
package (``build/python``, links into ``analysis/python/seqmem``) finds it from its own location.
"""

from pathlib import Path

__all__ = ["shipped_scenario"]

_HERE = Path(__file__).resolve().parent


def _checkout():
    recorded = _HERE / "data" / "checkout.txt"
    if recorded.is_file():
        return Path(recorded.read_text().strip())
    return _HERE.parents[2]  # analysis/python/seqmem -> the checkout


def shipped_scenario(name):
    """The path (a ``str``) of the scenario ``name`` (a file name such as
    ``"fig1_two_episodes.toml"``) in the ``scenarios/`` folder of the checkout this package was built
    from, for notebooks and scripts that run from any folder.

    Raises ``ValueError`` for a name that is not a plain ``.toml`` file name (a path, ``..``), and
    ``FileNotFoundError`` for one the checkout does not hold (the message lists those it holds), or
    when the checkout has moved since the package was installed (run ``./setup.sh build`` there again).
    """
    if not isinstance(name, str) or not name.endswith(".toml") or Path(name).name != name or name.startswith("."):
        raise ValueError(f"shipped_scenario({name!r}): give the file name of a scenario, e.g. "
                         f"'fig1_two_episodes.toml' (for another file, pass its path to seqmem.run directly)")
    folder = _checkout() / "scenarios"
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: the checkout this package was built from is no longer there (moved? run "
                                "./setup.sh build in it again)")
    path = folder / name
    if not path.is_file():
        shipped = sorted(p.name for p in folder.glob("*.toml"))
        raise FileNotFoundError(f"{path}: no such shipped scenario; there are {', '.join(shipped)}")
    return str(path)
