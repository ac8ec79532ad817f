#!/usr/bin/env bash
# Configures and builds SpikeForge in build/ (Release, -Wall -Wextra -Werror).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release > "$root/build.configure.log" \
  || { cat "$root/build.configure.log"; exit 1; }
cmake --build "$root/build" -j "$jobs"
