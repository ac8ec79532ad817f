#!/usr/bin/env bash
# Fresh Debian machine to a full test run: dependencies, build, every CTest
# suite (labels unit, golden, cosim, synth).
#   usage: scripts/run_tests.sh [ctest arguments, e.g. -L unit]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
