#!/usr/bin/env bash
# Fine-tunes the torchvision preset with frozen features (conv1-conv5) on 1,000 images for 10 epochs, with the bottleneck
# cache and without it (--no-bottleneck-cache), one run after the other, and prints each run's wall time, its cache
# fill, its training speed and its final accuracy (issue 34, item 5).
#
#   bench/bottleneck-cache.sh            # inputs and runs under /tmp/alexnet-bottleneck-bench
#   WORK=/somewhere bench/bottleneck-cache.sh
#
# The start is what a user would do, `--init-from` on a torchvision state dict: here a seeded torchvision alexnet()
# written by Debian's python3-torch, its convs re-initialised (below); random weights time the same as ImageNet's.
# The images: the first 1,200 of Fashion-MNIST's training file as PNG folders, 1,000 in train/ and 200 in val/, read
# as 3 channels (R = G = B).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="${WORK:-/tmp/alexnet-bottleneck-bench}"
mkdir -p "$work/runs"

. bench/finetune-inputs.sh

dotnet build AlexNet.Cli -c Release -v quiet -nologo
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| run | wall time | cache fill | training images/s (epochs 1-10) | final val accuracy (centre crop) |\n|---|---:|---:|---:|---:|\n'
for flag in --bottleneck-cache --no-bottleneck-cache; do
  run="$work/runs/${flag#--}"
  rm -rf "$run"
  start=$(date +%s.%N)
  dotnet AlexNet.Cli/bin/Release/net10.0/alexnet.dll train --preset torchvision --init-from "$work/alexnet-he.pth" --freeze features \
    --no-augment --data "$work/images" --epochs 10 --seed 1 --no-ten-crop --no-export \
    "$flag" --run-dir "$run" >/dev/null 2>"$run.log"
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  fill=$(sed -n 's/.*filled in \([0-9.]*\) s$/\1 s/p' "$run.log")
  # Images over seconds of the ten epochs' training loops (metrics.csv), validation and the cache fill left out.
  speed=$(awk -F, 'NR > 1 { n += $8 * $7; s += $7 } END { printf "%.1f", n / s }' "$run/metrics.csv")
  error=$(sed -n 's/^val: centre crop top-1 error \([0-9.]*\) %.*/\1/p' "$run.log")
  printf '| `%s` | %.0f s | %s | %s | %.2f %% |\n' "$flag" "$wall" "${fill:-none}" "$speed" "$(echo "100 - $error" | bc)"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); logs: $work/runs/*.log"
