#!/usr/bin/env bash
# Multi-backend agreement: runs each network on the same samples through the
# golden model, the Verilator C++ co-simulation, the SystemC co-simulation and
# the HLS C-simulation, requires every trace (every layer's spikes and states
# at every timestep; RTL cycles between the two RTL flavours) to be identical,
# and prints a Markdown table with each backend's timing on that same work:
# build time, then the run with the build excluded (process start, reading the
# inputs, simulating, checking, writing the traces), all measured wall clock.
# Any difference, or a backend that fails, makes the exit status 1.
#   usage: bench/agreement.sh SPIKEFORGE OUT.md NET RASTER SAMPLES [NET RASTER SAMPLES]...
set -euo pipefail
sf=$1
out=$2
shift 2
[ $(( $# % 3 )) -eq 0 ] && [ $# -gt 0 ] || { echo "usage: $0 SPIKEFORGE OUT.md NET RASTER SAMPLES ..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

{
  echo "| network | backend | samples | timesteps | traces | build (s) | run, build excluded (s) | per timestep (µs) | RTL clock cycles |"
  echo "|---|---|---:|---:|---|---:|---:|---:|---:|"
} > "$tmp/table.md"

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

row() {  # row NAME BACKEND SUMMARY VERDICT
  local s=$3
  python3 - "$1" "$2" "$s" "$4" >> "$tmp/table.md" <<'PY'
import json, sys
name, backend, path, verdict = sys.argv[1:]
s = json.load(open(path))
build = "–" if backend == "golden" else f"{s['build_seconds']:.1f}"
per = 1e6 * s["run_seconds"] / max(1, s["timesteps"])
cycles = f"{s['cycles']:,}" if backend in ("verilator", "systemc") else "–"
print(f"| {name} | {backend} | {s['samples']} | {s['timesteps']} | {verdict} | {build} | {s['run_seconds']:.3f} | {per:.1f} | {cycles} |")
PY
}

# first_difference DIR_A DIR_B SAMPLES: 0 when every trace_<n>.json agrees, else 1
# with the first difference in $difference.
first_difference() {
  local n
  for ((n = 0; n < $3; ++n)); do
    if ! "$sf" diff "$1/trace_$n.json" "$2/trace_$n.json" > "$tmp/diff.txt"; then
      difference="sample $n: $(tr '|' '/' < "$tmp/diff.txt")"
      return 1
    fi
  done
}

idx=0
while [ $# -gt 0 ]; do
  net=$1 raster=$2 count=$3
  shift 3
  idx=$((idx + 1))
  d=$tmp/n$idx
  mkdir -p "$d"
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$net")
  "$sf" run "$net" --input "$raster" --max-samples "$count" --traces "$d/golden" \
    --json-summary "$d/golden.json" > "$d/golden.log"
  row "$name" golden "$d/golden.json" "reference"
  n_samples=$(field "$d/golden.json" samples)
  for b in verilator systemc hls; do
    if ! "$sf" sim "$net" --input "$raster" --max-samples "$count" --backend "$b" --work "$d/work_$b" \
        --traces "$d/$b" --json-summary "$d/$b.json" > "$d/$b.log" 2>&1; then
      echo "| $name | $b | | | **FAILED**: $(grep -m1 -E 'MISMATCH|error' "$d/$b.log" | tr '|' '/') | | | | |" >> "$tmp/table.md"
      status=1
      continue
    fi
    # Independent of the backend's own check: compare the written traces.
    verdict="identical to golden"
    if ! first_difference "$d/golden" "$d/$b" "$n_samples"; then
      verdict="**DIFFERS** ($difference)"
      status=1
    elif [ "$b" = systemc ] && [ -d "$d/verilator" ]; then
      # the two RTL flavours must also agree on every timestep's cycle count
      verdict="identical to golden; cycles = Verilator's"
      if ! first_difference "$d/verilator" "$d/systemc" "$n_samples"; then
        verdict="**DIFFERS from Verilator** ($difference)"
        status=1
      fi
    fi
    row "$name" "$b" "$d/$b.json" "$verdict"
  done
done

cp "$tmp/table.md" "$out"
cat "$out"
exit $status
