#!/usr/bin/env bash
# seqmem's one entry point on a fresh Debian 12 machine:
#   ./setup.sh demo    install what is missing, build, run the Figure 1 scenario -> fig1.h5
#   ./setup.sh test    install what is missing, build, run every test (ctest)
#   ./setup.sh build   install what is missing, build
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  g++ cmake make pkg-config
  libboost-dev libeigen3-dev libhdf5-dev libcli11-dev doctest-dev libtomlplusplus-dev libfmt-dev
  libsundials-dev
  python3-h5py python3-numpy python3-matplotlib python3-pandas python3-xarray python3-h5netcdf
  python3-nbclient python3-nbformat python3-ipykernel
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
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
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$(nproc)"
}

case "${1:-demo}" in
  build) install_missing; build ;;
  demo)
    install_missing; build
    ./build/seqmem run scenarios/fig1_two_episodes.toml -o fig1.h5
    ;;
  test)
    install_missing; build
    ctest --test-dir build --output-on-failure -j "$(nproc)"
    ;;
  *) echo "usage: $0 [demo|test|build]" >&2; exit 2 ;;
esac
