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
    """The path (a ``str``) of the scenario ``name`` (e.g. ``"fig1_two_episodes.toml"``) in the
    ``scenarios/`` folder of the checkout this package was built from, for notebooks and scripts
    that run from any folder.

    Raises ``FileNotFoundError`` naming the path when the checkout no longer holds it (moved or
    removed after the package was installed: run ``./setup.sh build`` in the checkout again).
    """
    path = _checkout() / "scenarios" / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such scenario in the checkout this package was built from "
                                "(moved? run ./setup.sh build there again)")
    return str(path)
