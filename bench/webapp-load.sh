#!/usr/bin/env bash
# Load on the WebApp from a real load generator (Debian's `hey`): requests/s and p50/p95/p99 latency at 1, 16 and 64
# concurrent clients, for several service settings in the same run: by default dynamic batching (--max-batch-size 4)
# against the engine pool (--max-batch-size 1), each with the service's other defaults. The services run side by side
# on their own ports and each concurrency level is measured on one after the other, so a background job's load falls
# on all alike.
#
#   bench/webapp-load.sh MODEL.onnx [REQUESTS_PER_CLIENT] [MIN_REQUESTS] [NAME=FLAGS ...]
#
# Each NAME=FLAGS (e.g. 'batched-2=--max-batch-size 4 --model-instances 2') replaces the default pair with a service
# started with those flags and named NAME in the output; give REQUESTS_PER_CLIENT and MIN_REQUESTS before them.
#
# Build first: dotnet build samples/WebApp -c Release. Each level sends REQUESTS_PER_CLIENT (default 8) requests per
# client, at least MIN_REQUESTS (default 100; hey leaves p99 out below about 100), of tests/assets/chelsea.png
# (451x300) as a raw body, after 2 requests per client of warm-up.
# Prints one tab-separated line per route and level; the services' own logs go to $TMPDIR/webapp-load-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/webapp-load.sh MODEL.onnx [REQUESTS_PER_CLIENT] [MIN_REQUESTS] [NAME=FLAGS ...]"
model=${1:?$usage}
per_client=${2:-8}
min_requests=${3:-100}
shift $(( $# < 3 ? $# : 3 ))
dll=samples/WebApp/bin/Release/net10.0/WebApp.dll
photo=tests/assets/chelsea.png
command -v hey >/dev/null || { echo "error: hey is missing (apt-get install -y hey)" >&2; exit 1; }
[ -f "$dll" ] || { echo "error: $dll is missing (dotnet build samples/WebApp -c Release)" >&2; exit 1; }
tmp=${TMPDIR:-/tmp}

routes=() ; declare -A port flags
[ $# -gt 0 ] || set -- "pool=--max-batch-size 1" "batched=--max-batch-size 4"
for spec in "$@"; do
  name=${spec%%=*}
  [[ "$spec" == *=* && "$name" =~ ^[A-Za-z0-9_-]+$ && -z "${port[$name]:-}" ]] ||
    { echo "error: '$spec' is not NAME=FLAGS with a new NAME of letters, digits, - and _" >&2; echo "$usage" >&2; exit 2; }
  routes+=("$name"); flags[$name]=${spec#*=}; port[$name]=$(( 5181 + ${#routes[@]} - 1 ))
done
pid=()
stop() { for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait || true; }
trap stop EXIT
for route in "${routes[@]}"; do
  # shellcheck disable=SC2086
  dotnet "$dll" --model "$model" --urls "http://127.0.0.1:${port[$route]}" ${flags[$route]} > "$tmp/webapp-load-$route.log" 2>&1 &
  pid+=($!)
done
for route in "${routes[@]}"; do
  until curl -sf "http://127.0.0.1:${port[$route]}/readyz" > /dev/null; do sleep 0.5; done
done

printf 'route\tclients\trequests\trequests/s\tp50 ms\tp95 ms\tp99 ms\tnon-200\n'
for clients in 1 16 64; do
  n=$(( clients * per_client < min_requests ? min_requests : clients * per_client ))
  for route in "${routes[@]}"; do
    url="http://127.0.0.1:${port[$route]}/classify"
    hey -n $(( clients * 2 )) -c "$clients" -t 600 -m POST -T application/octet-stream -D "$photo" "$url" > /dev/null
    out=$(hey -n "$n" -c "$clients" -t 600 -m POST -T application/octet-stream -D "$photo" "$url")
    rps=$(awk '/Requests\/sec:/ { print $2 }' <<< "$out")
    pct() { awk -v p="$1%" '$1 == p && $2 == "in" { printf "%.0f", $3 * 1000 }' <<< "$out"; }
    bad=$(awk '/^\s*\[[0-9]+\]/ && $1 != "[200]" { s += $2 } END { print s + 0 }' <<< "$out")
    printf '%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%d\n' "$route" "$clients" "$n" "$rps" "$(pct 50)" "$(pct 95)" "$(pct 99)" "$bad"
  done
done
# Images per ONNX Runtime run over the whole run, warm-ups included, from each service's metrics.
for route in "${routes[@]}"; do
  curl -s "http://127.0.0.1:${port[$route]}/metrics" | awk -v route="$route" '/^alexnet_batch_size_(sum|count) / { v[$1] = $2 }
    END { printf "%s: %d images in %d runs, %.2f per run\n", route, v["alexnet_batch_size_sum"], v["alexnet_batch_size_count"], v["alexnet_batch_size_sum"] / v["alexnet_batch_size_count"] }'
done
for route in "${routes[@]}"; do printf '%s: %s\n' "$route" "${flags[$route]}"; done
