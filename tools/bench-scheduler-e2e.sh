#!/usr/bin/env bash
# The scheduler's batching curve end to end: a served model through `shopserve` (default
# RankService/Rank), driven by `shopctl bench` with that service's workload (real ids from the
# bundled model), at concurrency 1, 4, 16, 64, 256, with batching on (up to --batch-requests
# requests per forward pass) and with batch size 1 (one request per forward pass:
# max_batch_rows = rows per request), in the same run. Prints calls/s and p50/p99 per point and
# the batched/batch-size-1 ratios.
# The in-process version of the same curve is `swift run -c release SchedulerBench`.
#
#   tools/bench-scheduler-e2e.sh [options]
#     --workload W        rank (default), recall, image_search[:mode=exact|ivf], dialogue
#                         (`shopctl bench --help`); every workload but rank has one row per call
#     --candidates N      candidates per Rank call (rows per request; default 200)
#     --batch-requests N  batched mode's max batch in requests (default 4 for rank: 800 rows at
#                         200; 32 for the one-row workloads)
#     --concurrency LIST  sweep points (default 1,4,16,64,256)
#     --duration S        measured seconds per point (default 3)
#     --warmup S          warm-up seconds per point (default 1)
#     --rounds N          measure each point this many times, alternating the modes, and report
#                         the median (default 5; the machine may be shared)
#     --server-core C     core shopserve is pinned to (default 0)
#     --load-core C       core shopctl is pinned to (default 1)
#     --skip-build        use the release binaries already built
#   Environment: SHOPSERVE_ARGS (default "--reactors 1 --workers 1").
# This prints numbers; it never fails on them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

workload=rank candidates=200 batch_requests= concurrency=1,4,16,64,256 duration=3 warmup=1 rounds=5
server_core=0 load_core=1 skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workload) workload=$2; shift 2 ;;
    --candidates) candidates=$2; shift 2 ;;
    --batch-requests) batch_requests=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --server-core) server_core=$2; shift 2 ;;
    --load-core) load_core=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench-scheduler-e2e: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v taskset >/dev/null || { echo "bench-scheduler-e2e: taskset not found (apt-get install util-linux)" >&2; exit 2; }
if [ "$skip_build" = 0 ]; then
  echo "== building shopserve and shopctl (release)"
  swift build -c release --product shopserve
  swift build -c release --product shopctl
fi
bin=$(swift build -c release --show-bin-path)
read -r -a shopserve_args <<<"${SHOPSERVE_ARGS-"--reactors 1 --workers 1"}"
model=${workload%%:*}
case "$model" in
  rank) rows=$candidates workload_arg="rank:candidates=$candidates" default_batch=4
        [ "$workload" = rank ] || workload_arg="rank:candidates=$candidates,${workload#rank:}" ;;
  recall|image_search|dialogue) rows=1 workload_arg=$workload default_batch=32 ;;
  *) echo "bench-scheduler-e2e: unknown workload $workload (see --help)" >&2; exit 2 ;;
esac
batch_requests=${batch_requests:-$default_batch}
version=$(ls "models/$model" | sort -n | tail -1)

work=$(mktemp -d) bench_name=bench-scheduler-e2e
. tools/lib/bench-server.sh
bench_server_cleanup_on_exit

# One model repository per mode: the bundled rank model with only its batching settings changed.
make_repository() { # mode max_batch_rows
  mkdir -p "$work/$1/$model"
  cp -r "models/$model/$version" "$work/$1/$model/$version"
  python3 - "$work/$1/$model/$version/config.json" "$2" <<'PY'
import json, sys
path, rows = sys.argv[1], int(sys.argv[2])
config = json.load(open(path))
config.setdefault("batching", {}).update(max_batch_rows=rows, max_queue_delay_us=0,
                                         max_queued_rows=1 << 20, max_queued_requests=1 << 16)
json.dump(config, open(path, "w"), indent=2)
PY
}
make_repository single "$rows"
make_repository batched $((rows * batch_requests))

run_point() { # mode concurrency round
  bench_server_start "$1" "$bin/shopserve" --listen 127.0.0.1:0 --models "$work/$1" --model-poll-interval 0 \
    "${shopserve_args[@]}"
  taskset -c "$load_core" "$bin/shopctl" --target "$address" bench --workload "$workload_arg" \
    --models "$work/$1" --concurrency "$2" --connections 4 --threads 1 \
    --duration "${duration}s" --warmup "${warmup}s" --format json >"$work/$1.$2.$3.json" 2>"$work/$1.err" || {
    echo "bench-scheduler-e2e: shopctl bench failed:" >&2; cat "$work/$1.err" "$work/$1.$2.$3.json" >&2; exit 1; }
  bench_server_stop
}
echo "== shopserve on core $server_core (${shopserve_args[*]}), shopctl on core $load_core, $rounds round(s) per point"
for c in ${concurrency//,/ }; do
  for round in $(seq "$rounds"); do
    run_point single "$c" "$round"
    run_point batched "$c" "$round"
  done
done

python3 - "$work" "$rows" "$batch_requests" "$concurrency" "$rounds" "$workload_arg" <<'PY'
import json, statistics, sys
work, rows, batch_requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
points, rounds, workload = [int(c) for c in sys.argv[4].split(",")], int(sys.argv[5]), sys.argv[6]

def load(mode, c):
    return [json.load(open(f"{work}/{mode}.{c}.{r}.json"))["runs"][0] for r in range(1, rounds + 1)]

def median_run(runs):
    return {"rate": statistics.median(r["calls_per_second"] for r in runs),
            "p50": statistics.median(r["latency_ms"]["p50"] for r in runs),
            "p99": statistics.median(r["latency_ms"]["p99"] for r in runs), "errors": sum(r["errors"] for r in runs)}

def paired_ratio(batched, single, value):
    """Median over rounds of each round's batched / bs1 pair (run back to back), which cancels
    the machine's slow drifts better than a ratio of medians."""
    return statistics.median(value(b) / value(s) for b, s in zip(batched, single))

print(f"\nworkload {workload}, {rows} row(s) per call; batch size 1 = {rows} row(s) per pass, "
      f"batched = up to {batch_requests * rows} rows; medians of {rounds} round(s), ratios = median of paired rounds")
print(f"{'conc':>5} {'mode':>8} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}   {'thr x':>6} {'p50 x':>6}")
for c in points:
    single, batched = load("single", c), load("batched", c)
    s, b = median_run(single), median_run(batched)
    throughput = paired_ratio(batched, single, lambda r: r["calls_per_second"])
    p50 = paired_ratio(batched, single, lambda r: r["latency_ms"]["p50"])
    print(f"{c:>5} {'bs1':>8} {s['rate']:>9.0f} {s['p50']:>8.2f} {s['p99']:>8.2f} {s['errors']:>7}")
    print(f"{c:>5} {'batched':>8} {b['rate']:>9.0f} {b['p50']:>8.2f} {b['p99']:>8.2f} {b['errors']:>7}"
          f"   {throughput:>6.2f} {p50:>6.2f}")
PY
