"""Builds the compiled core seqmem._core with the project's CMake (the target seqmem_python, in the
checkout's build/ folder, which ./setup.sh also uses) and puts it into the package; everything else
is declared in pyproject.toml."""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class CMakeCore(build_ext):
    def build_extension(self, ext):
        build = Path(os.environ.get("SEQMEM_BUILD_DIR", ROOT / "build"))
        jobs = str(os.cpu_count() or 1)
        # against Debian's /usr/bin/python3, the interpreter of the checkout's .venv (CMakeLists.txt)
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(build), "--target", "seqmem_python", "-j", jobs], check=True)
        built = next((build / "python" / "seqmem").glob("_core*.so"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


class WithData(build_py):
    """The package's data: the human reference curves analysis/data/peers_summary.csv as
    seqmem/data/peers_summary.csv (seqmem.free_recall.human_summary), and the checkout's folder as
    seqmem/data/checkout.txt (seqmem.shipped_scenario)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "seqmem" / "data"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "analysis" / "data" / "peers_summary.csv", target / "peers_summary.csv")
        # the checkout the package comes from: seqmem.shipped_scenario finds its scenarios there
        (target / "checkout.txt").write_text(f"{ROOT}\n")


# setuptools' own scratch (and the egg-info) under build/, apart from CMake's files
setup(ext_modules=[Extension("seqmem._core", sources=[])], cmdclass={"build_ext": CMakeCore, "build_py": WithData},
      options={"build": {"build_base": "build/wheel"}, "egg_info": {"egg_base": "build/wheel"}})
