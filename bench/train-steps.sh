#!/usr/bin/env bash
# Training steps under process-wide settings, one process per setting, alternating round by round so that a
# background job's load falls on every arm alike: `AlexNet.Bench steps` (one model, each step at batch 128 timed, the
# first step apart, peak RSS) for each ARM, ROUNDS times.
#
#   bench/train-steps.sh PRESET STEPS ROUNDS ARM...
#
# An ARM is a quoted list of environment assignments and AlexNet.Bench steps flags, e.g.
#   bench/train-steps.sh paper 8 3 "ALEXNET_KEEP_FREED_MEMORY=0" "ALEXNET_KEEP_FREED_MEMORY=1"
# Build first: dotnet build bench/AlexNet.Bench -c Release. Prints one tab-separated line per process, then per arm
# the median over rounds of each process's median images/s (steps after the first), of its peak RSS and of its minor
# page faults a step (steps after the first).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/train-steps.sh PRESET STEPS ROUNDS ARM..."
preset=${1:?$usage}; count=${2:?$usage}; rounds=${3:?$usage}; shift 3
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
dll=bench/AlexNet.Bench/bin/Release/net10.0/AlexNet.Bench.dll
[ -f "$dll" ] || { echo "error: $dll is missing (dotnet build bench/AlexNet.Bench -c Release)" >&2; exit 1; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT

printf 'round\tarm\timages/s\tfirst step ms\tpeak RSS MiB\tminor faults a step\tstep ms\n'
for round in $(seq 1 "$rounds"); do
  for arm in "$@"; do
    read -ra words <<< "$arm"
    assignments=(); flags=()
    for w in "${words[@]}"; do if [[ $w == --* || ${#flags[@]} -gt 0 ]]; then flags+=("$w"); else assignments+=("$w"); fi; done
    json=$(env "${assignments[@]}" dotnet "$dll" steps --preset "$preset" --count "$count" "${flags[@]}" 2> /dev/null)
    line=$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print("\t".join([str(r["imagesPerSecond"]), str(r["firstStepMs"]), str(r["peakRssMiB"]), str(r["medianMinorFaults"]), " ".join(str(round(m)) for m in r["stepMs"])]))' "$json")
    printf '%s\t%s\t%s\n' "$round" "$arm" "$line"
    printf '%s\t%s\n' "$arm" "$line" >> "$results"
  done
done
echo
printf 'arm\tmedian images/s\tmedian peak RSS MiB\tmedian minor faults a step\n'
python3 - "$results" "$@" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
for arm in sys.argv[2:]:
    mine = [r for r in rows if r[0] == arm]
    print(f"{arm}\t{statistics.median(float(r[1]) for r in mine):.1f}\t{statistics.median(float(r[3]) for r in mine):.0f}\t{statistics.median(float(r[4]) for r in mine):.0f}")
PY
