#!/usr/bin/env bash
# bench/bottleneck-cache.sh's fine-tune (torchvision preset from a torchvision state dict, frozen features, 1,000
# images, 10 epochs, the bottleneck cache on) run by two or more arms that alternate, so that their ratio holds while the
# machine's load moves (issue 34, items 5 and 8). Each round runs every arm once, every second round in reverse order.
#
#   bench/finetune-arms.sh                      # alexnet train against Trainers.AlexNet(...).Fit (AlexNet.Bench mlnet-train)
#   bench/finetune-arms.sh cli:ALEXNET_MKL_INTEL_CPU=1 cli:ALEXNET_MKL_INTEL_CPU=0    # MKL told Intel, and not
#   AUGMENT=1 EPOCHS=2 bench/finetune-arms.sh   # random crops and colour noise: no cache, the frozen trunk at every step
#
# An arm is cli or mlnet, with optionally :NAME=value for its environment. ROUNDS (default 2) rounds. Both routes
# export model.onnx, as Fit always does, and evaluate one centre crop (--no-ten-crop). For each run: the wall time of
# the process, its phases (from the time each log line arrived), the training speed and the final loss and accuracy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="${WORK:-/tmp/alexnet-bottleneck-bench}"
rounds="${ROUNDS:-2}"
arms=("$@")
[[ ${#arms[@]} -gt 0 ]] || arms=(cli mlnet)
augment=(--no-augment)
[[ "${AUGMENT:-0}" == 1 ]] && augment=()
mkdir -p "$work/runs"
. bench/finetune-inputs.sh

dotnet build AlexNet.Cli -c Release -v quiet -nologo
dotnet build bench/AlexNet.Bench -c Release -v quiet -nologo
flags=(--preset torchvision --init-from "$work/alexnet-he.pth" --freeze features "${augment[@]}" --data "$work/images"
  --epochs "${EPOCHS:-10}" --seed 1 --no-ten-crop)
now() { perl -MTime::HiRes=time -e 'printf "%.3f", time'; }

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); flags: ${flags[*]}"
printf '| round | arm | wall time | start-up to Fit | images read | trainer set-up | cache fill | epochs | final eval | export | transformer | exit | training images/s | final train loss | val accuracy |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for ((round = 1; round <= rounds; round++)); do
  order=("${arms[@]}")
  ((round % 2 == 0)) && for ((i = 0; i < ${#arms[@]}; i++)); do order[i]="${arms[${#arms[@]} - 1 - i]}"; done
  for arm in "${order[@]}"; do
    route="${arm%%:*}"
    environment=()
    [[ "$arm" == *:* ]] && environment=("${arm#*:}")
    case "$route" in
      cli) command=(dotnet AlexNet.Cli/bin/Release/net10.0/alexnet.dll train) ;;
      mlnet) command=(dotnet bench/AlexNet.Bench/bin/Release/net10.0/AlexNet.Bench.dll mlnet-train) ;;
      *) echo "arm $arm: the route is cli or mlnet" >&2; exit 2 ;;
    esac
    run="$work/runs/$round-${arm//[:=]/-}"
    rm -rf "$run"
    start=$(now)
    # Each line of the log, stamped with the time it arrived: the phases are the gaps between the lines that end them.
    { env "${environment[@]}" "${command[@]}" "${flags[@]}" --run-dir "$run" 2>&1 >/dev/null; } |
      perl -MTime::HiRes=time -ne '$| = 1; printf "%.3f %s", time, $_' >"$run.log"
    end=$(now)
    speed=$(awk -F, 'NR > 1 { n += $8 * $7; s += $7 } END { printf "%.1f", n / s }' "$run/metrics.csv")
    loss=$(awk -F, 'END { print $3 }' "$run/metrics.csv")
    phases=$(awk -v t0="$start" -v t1="$end" '
      function at(name, t) { if (!(name in m)) m[name] = t }
      function gap(to, from) { return (to in m) ? sprintf("%.1f s", m[to] - m[from]) : "" }
      { t = $1; line = substr($0, index($0, " ") + 1) }
      line ~ /^bench: Fit starts/ { at("fit", t) }
      line ~ /^data: / || line ~ /^training .* AlexNet in / { at("read", t) }
      line ~ /^bottleneck cache:/ { at("setup", t) }
      line ~ /, filled in [0-9.]+ s$/ { at("fill", t) }
      line ~ /^epoch [0-9]+: loss/ { m["epochs"] = t }
      line ~ /^val: centre crop/ { at("eval", t) }
      line ~ /^exported / { at("export", t) }
      line ~ /^bench: Fit returned/ { at("returned", t) }
      END {
        m["start"] = t0; m["end"] = t1
        if (!("fit" in m)) m["fit"] = t0
        if (!("fill" in m)) m["fill"] = m["setup"]
        last = ("returned" in m) ? "returned" : "export"
        printf "%.0f s | %s | %s | %s | %s | %s | %s | %s | %s | %s", t1 - t0, (m["fit"] > t0) ? gap("fit", "start") : "",
          gap("read", "fit"), gap("setup", "read"), (m["fill"] > m["setup"]) ? gap("fill", "setup") : "", gap("epochs", "fill"),
          gap("eval", "epochs"), gap("export", "eval"), gap("returned", "export"), gap("end", last)
      }' "$run.log")
    error=$(sed -n 's/^[0-9.]* val: centre crop top-1 error \([0-9.]*\) %.*/\1/p' "$run.log")
    printf '| %d | `%s` | %s | %s | %s | %.2f %% |\n' "$round" "$arm" "$phases" "$speed" "$loss" "$(echo "100 - $error" | bc)"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); logs: $work/runs/*.log"
