#!/usr/bin/env bash
# Installs the Debian packages SpikeForge needs to build, test, co-simulate and
# synthesize. Safe to run any number of times: it installs only what is missing.
#   usage: scripts/install_deps.sh [--training] [--bench]
#     --training adds PyTorch (to retrain the example); --bench adds PyTorch and
#     Brian2 (the simulators bench/run_benchmarks.sh compares with).
set -euo pipefail

pkgs=(cmake make g++ ccache pkg-config git
      verilator yosys nextpnr-ice40 fpga-icestorm iverilog
      nlohmann-json3-dev libcli11-dev libgtest-dev libbenchmark-dev zlib1g-dev libsystemc-dev libhdf5-dev
      python3 python3-numpy python3-h5py dataset-fashion-mnist)
for a in "$@"; do
  case $a in
    --training) pkgs+=(python3-torch) ;;
    --bench) pkgs+=(python3-torch python3-brian) ;;
    *) echo "usage: $0 [--training] [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#pkgs[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
