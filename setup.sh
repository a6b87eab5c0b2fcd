#!/usr/bin/env bash
# seqmem's one entry point on a fresh Debian 12 machine:
#   ./setup.sh demo    install what is missing, build, run the Figure 1 scenario -> fig1.h5
#   ./setup.sh test    install what is missing, build, run every test (ctest)
#   ./setup.sh check   the checking builds: every C++ test, the CLI and bad-input tests under
#                      AddressSanitizer + UndefinedBehaviorSanitizer (clang), a one-minute libFuzzer
#                      run of the scenario loader, and valgrind on the files each command writes
#   ./setup.sh build   install what is missing, build (and the Python package into .venv)
# .ci/run runs `test` and then `check`.
set -euo pipefail
cd "$(dirname "$0")"

# Each command installs only what it needs (packages already installed are left alone).
# build and demo: the compiler and the libraries seqmem is built from. SUNDIALS (libsundials-dev)
# is part of the product: CVODE is the stiff stepper (stepper = "cvode_bdf"). Debian's
# libsundials-dev depends on MPI, PETSc, hypre and gfortran, so they come with it; seqmem uses
# MPI when CMake finds it (sweeps and run grids over ranks, docs/cluster.md).
# doctest-dev: CMake configures the test targets in every build. pybind11-dev and python3-dev:
# the Python package seqmem (its compiled core, built against Debian's /usr/bin/python3), installed
# with Debian's pip, setuptools and wheel into the checkout's own virtual environment .venv, which
# sees Debian's NumPy, SciPy, pandas, xarray, h5py, h5netcdf, matplotlib and Jupyter (nbclient,
# ipykernel): the package, its notebooks and the README's Python work after `demo`.
BUILD_PACKAGES=(
  g++ cmake make pkg-config
  libboost-dev libeigen3-dev libhdf5-dev libcli11-dev doctest-dev libtomlplusplus-dev libfmt-dev
  libsundials-dev pybind11-dev python3-dev
  python3-venv python3-pip python3-setuptools python3-wheel
  python3-h5py python3-numpy python3-scipy python3-matplotlib python3-pandas python3-xarray python3-h5netcdf
  python3-nbclient python3-nbformat python3-ipykernel
)
# test, besides: pytest, ncdump (netcdf-bin) for the netCDF tests, and OpenMPI's mpirun for the MPI
# tests.
TEST_PACKAGES=(
  python3-pytest
  netcdf-bin
  libopenmpi-dev openmpi-bin
)
# check, besides: clang with its sanitizer and libFuzzer runtimes and its OpenMP, and valgrind.
CHECK_PACKAGES=(clang libclang-rt-14-dev libomp-14-dev valgrind)

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

build() {
  venv  # before CMake: the tests run the environment's python
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$(nproc)"
  python_package
}

# The checkout's own Python environment, .venv: Debian's /usr/bin/python3 with the system's site
# packages (NumPy, SciPy, xarray... stay Debian's) and, after the build, the package seqmem
# installed into it by pip. Nothing outside the checkout changes; each checkout imports its own
# build. (setup.sh before 0.2 wrote a seqmem.pth into the system's site folder instead.)
venv() {
  [ -x .venv/bin/python ] || /usr/bin/python3 -m venv --system-site-packages --without-pip .venv
}

python_package() {
  # --no-deps: NumPy, SciPy, pandas, xarray, h5py and h5netcdf are Debian's (Debian names h5py
  # "h5py._debian_h5py_serial", which pip cannot match); the import below checks they are there
  .venv/bin/python -m pip install --quiet --no-build-isolation --no-index --no-deps --no-cache-dir . 2>&1 |
    grep -v -e "^\[notice\]" -e "running as 'root'" >&2 || true
  .venv/bin/python -c "import seqmem, seqmem._core" || { echo "setup: the package seqmem did not install" >&2; exit 1; }
  # Jupyter kernels of the environment, inside it: "python3" (what the notebooks name) and one
  # under the checkout's name, for a Jupyter started from .venv/bin/jupyter
  local name
  name="seqmem-$(basename "$PWD" | tr -c 'A-Za-z0-9._\n-' '-' | tr 'A-Z' 'a-z')"  # Jupyter lower-cases kernel names
  for k in python3 "$name"; do
    PYDEVD_DISABLE_FILE_VALIDATION=1 .venv/bin/python -Xfrozen_modules=off -m ipykernel install --sys-prefix \
      --name "$k" --display-name "seqmem ($PWD)" >/dev/null
  done
  # The notebook runner of the environment: Debian's /usr/bin/jupyter-execute runs under
  # /usr/bin/python3 and would start the system's kernels, which cannot import this checkout's seqmem
  printf '#!%s\nimport os, sys\nos.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")\nfrom nbclient.cli import main\nsys.exit(main())\n' \
    "$PWD/.venv/bin/python" >.venv/bin/jupyter-execute
  chmod +x .venv/bin/jupyter-execute
  local old
  for old in /usr/local/lib/python3*/dist-packages/seqmem.pth "$HOME"/.local/lib/python3*/site-packages/seqmem.pth; do
    [ -f "$old" ] && echo "setup: note: $old, written by an earlier setup.sh, puts another checkout's" \
      "build on /usr/bin/python3's path; this checkout uses .venv/bin/python: remove that file" >&2
  done
  return 0
}

check() {
  install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${CHECK_PACKAGES[@]}"
  build  # the tests below also run the optimised binary
  # 1. clang, -O1, ASan + UBSan on everything, the fuzz target; portable code (no -march=native)
  cmake -S . -B build-check -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DSEQMEM_NATIVE=OFF -DSEQMEM_BENCH=OFF -DSEQMEM_PYTHON=OFF -DSEQMEM_SANITIZE=ON -DSEQMEM_FUZZ=ON >/dev/null
  cmake --build build-check -j "$(nproc)"
  ctest --test-dir build-check --output-on-failure -j "$(nproc)" -L sanitize
  # 2. fuzzing the scenario loader for a minute, from the shipped scenarios, with the keys as a dictionary
  local corpus
  corpus=$(mktemp -d)
  cp scenarios/*.toml tests/fuzz/regressions/*.toml "$corpus"/
  ./build-check/seqmem keys | awk -F'`' 'NF > 2 { printf "\"%s\"\n", $2 }' >"$corpus.dict"
  (cd "$corpus" && "$OLDPWD"/build-check/tests/fuzz_scenario -max_total_time=60 -timeout=10 -rss_limit_mb=4096 \
    -dict="$corpus.dict" -print_final_stats=1 "$corpus" 2>&1 | tail -5)
  if ls "$corpus"/crash-* "$corpus"/leak-* "$corpus"/timeout-* "$corpus"/oom-* >/dev/null 2>&1; then
    echo "setup: the fuzzer found inputs that break the loader (copied to tests/fuzz/regressions/):" >&2
    cp "$corpus"/crash-* "$corpus"/leak-* "$corpus"/timeout-* "$corpus"/oom-* tests/fuzz/regressions/ 2>/dev/null || true
    exit 1
  fi
  rm -rf "$corpus" "$corpus.dict"
  # 3. valgrind on every kind of file: no uninitialised byte may reach a file. valgrind cannot
  #    decode AVX-512, so this build is portable and unoptimised.
  cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DSEQMEM_NATIVE=OFF -DSEQMEM_BENCH=OFF -DSEQMEM_PYTHON=OFF >/dev/null
  cmake --build build-valgrind -j "$(nproc)" --target seqmem enospc_shim
  SEQMEM_VALGRIND="$PWD/build-valgrind/seqmem" .venv/bin/python tests/test_robustness.py build/seqmem \
    build/tests/libenospc_shim.so
}

case "${1:-demo}" in
  build) install_missing "${BUILD_PACKAGES[@]}"; build ;;
  demo)
    install_missing "${BUILD_PACKAGES[@]}"; build
    ./build/seqmem run scenarios/fig1_two_episodes.toml -o fig1.h5 --overwrite
    ;;
  test)
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"; build
    ctest --test-dir build --output-on-failure -j "$(nproc)"
    ;;
  check) check ;;
  *) echo "usage: $0 [demo|test|check|build]" >&2; exit 2 ;;
esac
