#!/usr/bin/env bash
# The scheduler's batching curve end to end: RankService/Rank through `shopserve`, driven by
# `shopctl bench` with the rank workload (real user and item ids from models/rank/<v>), at
# concurrency 1, 4, 16, 64, 256, with batching on (up to --batch-requests requests per forward
# pass) and with batch size 1 (one request per forward pass: max_batch_rows = candidates), in
# the same run. Prints calls/s and p50/p99 per point and the batched/batch-size-1 ratios.
# The in-process version of the same curve is `swift run -c release SchedulerBench`.
#
#   tools/bench-scheduler-e2e.sh [options]
#     --candidates N      candidates per Rank call (rows per request; default 200)
#     --batch-requests N  batched mode's max batch in requests (default 4: 800 rows at 200)
#     --concurrency LIST  sweep points (default 1,4,16,64,256)
#     --duration S        measured seconds per point (default 5)
#     --warmup S          warm-up seconds per point (default 1)
#     --server-core C     core shopserve is pinned to (default 0)
#     --load-core C       core shopctl is pinned to (default 1)
#     --skip-build        use the release binaries already built
#   Environment: SHOPSERVE_ARGS (default "--reactors 1 --workers 1").
# This prints numbers; it never fails on them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

candidates=200 batch_requests=4 concurrency=1,4,16,64,256 duration=5 warmup=1
server_core=0 load_core=1 skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --candidates) candidates=$2; shift 2 ;;
    --batch-requests) batch_requests=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --server-core) server_core=$2; shift 2 ;;
    --load-core) load_core=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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
version=$(ls models/rank | sort -n | tail -1)

work=$(mktemp -d) bench_name=bench-scheduler-e2e
. tools/lib/bench-server.sh
bench_server_cleanup_on_exit

# One model repository per mode: the bundled rank model with only its batching settings changed.
make_repository() { # mode max_batch_rows
  mkdir -p "$work/$1/rank"
  cp -r "models/rank/$version" "$work/$1/rank/$version"
  python3 - "$work/$1/rank/$version/config.json" "$2" <<'PY'
import json, sys
path, rows = sys.argv[1], int(sys.argv[2])
config = json.load(open(path))
config.setdefault("batching", {}).update(max_batch_rows=rows, max_queue_delay_us=0,
                                         max_queued_rows=1 << 20, max_queued_requests=1 << 16)
json.dump(config, open(path, "w"), indent=2)
PY
}
make_repository single "$candidates"
make_repository batched $((candidates * batch_requests))

run_mode() { # mode
  bench_server_start "$1" "$bin/shopserve" --listen 127.0.0.1:0 --models "$work/$1" --model-poll-interval 0 \
    "${shopserve_args[@]}"
  echo "== $1: shopserve on core $server_core (${shopserve_args[*]}), shopctl on core $load_core"
  taskset -c "$load_core" "$bin/shopctl" --target "$address" bench --workload "rank:candidates=$candidates" \
    --models "$work/$1" --concurrency "$concurrency" --connections 4 --threads 1 \
    --duration "${duration}s" --warmup "${warmup}s" --format json >"$work/$1.json" 2>"$work/$1.err" || {
    echo "bench-scheduler-e2e: shopctl bench failed:" >&2; cat "$work/$1.err" "$work/$1.json" >&2; exit 1; }
  bench_server_stop
}
run_mode single
run_mode batched

python3 - "$work" "$candidates" "$batch_requests" <<'PY'
import json, sys
work, candidates, batch_requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
single = {r["concurrency"]: r for r in json.load(open(f"{work}/single.json"))["runs"]}
batched = {r["concurrency"]: r for r in json.load(open(f"{work}/batched.json"))["runs"]}
print(f"\nRankService/Rank, {candidates} candidates per call; batch size 1 = {candidates} rows per pass, "
      f"batched = up to {batch_requests * candidates} rows")
print(f"{'conc':>5} {'mode':>8} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}   {'thr x':>6} {'p50 x':>6}")
for c in sorted(single):
    s, b = single[c], batched[c]
    for name, r in (("bs1", s), ("batched", b)):
        print(f"{c:>5} {name:>8} {r['calls_per_second']:>9.0f} {r['latency_ms']['p50']:>8.2f} "
              f"{r['latency_ms']['p99']:>8.2f} {r['errors']:>7}", end="")
        print(f"   {b['calls_per_second'] / s['calls_per_second']:>6.2f} {b['latency_ms']['p50'] / s['latency_ms']['p50']:>6.2f}"
              if name == "batched" else "")
PY
