#!/usr/bin/env bash
# Load-generator benchmark: how many grpc.health.v1.Health/Check calls per second
# `shopctl bench` drives through shopserve compared with nghttp2's h2load (C),
# both on the same pinned core against the same server, same connections and
# streams, in the same run. Prints both rates and the ratio (bar: >= 0.90).
#
#   tools/bench-shopctl.sh [options]
#     --duration S     measured seconds per round and tool (default 10)
#     --warmup S       warm-up seconds before each measurement (default 2)
#     --clients N      connections (default 4)
#     --streams N      concurrent calls per connection (default 16; shopctl gets
#                      --concurrency N*clients, N call slots on each connection)
#     --rounds N       rounds of h2load + shopctl, in ABBA order (default 4)
#     --server-core C  core shopserve is pinned to (default 0)
#     --load-core C    core the load generator is pinned to (default 1)
#     --skip-build     use the release binaries already built
#   Environment: SHOPSERVE_ARGS (default "--reactors 1 --workers 1").
#
# Both send the same wire traffic: one length-prefixed empty HealthCheckRequest
# per call with the headers shopctl's client sends (content-type
# application/grpc, te: trailers, grpc-accept-encoding: identity,gzip, no
# grpc-timeout), so the server does the same work for both (it gzips responses
# for clients that accept gzip). shopctl checks every grpc-status; h2load
# cannot. This prints numbers; it never fails on them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=10 warmup=2 clients=4 streams=16 rounds=4 server_core=0 load_core=1 skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --server-core) server_core=$2; shift 2 ;;
    --load-core) load_core=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench-shopctl: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in h2load taskset python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-shopctl: $tool not found (apt-get install nghttp2-client util-linux)" >&2; exit 2; }
done
if [ "$skip_build" = 0 ]; then
  echo "== building shopserve and shopctl (release)"
  swift build -c release --product shopserve
  swift build -c release --product shopctl
fi
bin=$(swift build -c release --show-bin-path)
for exe in "$bin/shopserve" "$bin/shopctl"; do
  [ -x "$exe" ] || { echo "bench-shopctl: $exe is missing (run without --skip-build)" >&2; exit 2; }
done
read -r -a shopserve_args <<<"${SHOPSERVE_ARGS-"--reactors 1 --workers 1"}"

work=$(mktemp -d) bench_name=bench-shopctl
. tools/lib/bench-server.sh
bench_server_cleanup_on_exit
printf '\x00\x00\x00\x00\x00' >"$work/check.bin"

bench_server_start shopserve "$bin/shopserve" --listen 127.0.0.1:0 "${shopserve_args[@]}"
"$bin/shopctl" --target "$address" health >/dev/null || { echo "bench-shopctl: shopserve is not SERVING" >&2; exit 1; }

concurrency=$((clients * streams))
echo "== health Check on $address: shopserve on core $server_core (${shopserve_args[*]}), load on core $load_core;"
echo "   $clients connections x $streams streams, ${warmup}s warm-up + ${duration}s, $rounds round(s)"
run_h2load() {
  taskset -c "$load_core" timeout $((duration + warmup + 60)) /usr/bin/time -f '%U %S' -o "$work/h2load.$1.cpu" \
    h2load -t 1 -c "$clients" -m "$streams" -D "$duration" --warm-up-time="$warmup" \
      -d "$work/check.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
      -H 'grpc-accept-encoding: identity,gzip' "http://$address/grpc.health.v1.Health/Check" >"$work/h2load.$1" 2>&1 || {
    echo "bench-shopctl: h2load failed:" >&2; cat "$work/h2load.$1" >&2; exit 1; }
}
run_shopctl() {
  taskset -c "$load_core" timeout $((duration + warmup + 60)) /usr/bin/time -f '%U %S' -o "$work/shopctl.$1.cpu" \
    "$bin/shopctl" --target "$address" bench grpc.health.v1.Health/Check --connections "$clients" \
      --concurrency "$concurrency" --threads 1 --duration "${duration}s" --warmup "${warmup}s" \
      --format json >"$work/shopctl.$1" 2>"$work/shopctl.$1.err" || {
    echo "bench-shopctl: shopctl bench failed:" >&2; cat "$work/shopctl.$1.err" "$work/shopctl.$1" >&2; exit 1; }
}
# Odd rounds run h2load first, even rounds shopctl first (ABBA), so a drift in the load of
# a shared machine does not favour one tool.
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_h2load "$round"; run_shopctl "$round"; else run_shopctl "$round"; run_h2load "$round"; fi
done

python3 - "$work" "$rounds" "$warmup" <<'PY'
import json, re, statistics, sys
work, rounds, warmup = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
run_warmup = lambda r: warmup
h2, sc, h2cpu, sccpu = [], [], [], []

def cpu_seconds(path):
    user, system = open(path).read().split()[-2:]
    return float(user) + float(system)

print(f"\n{'round':<8}{'h2load calls/s':>16}{'shopctl calls/s':>17}{'ratio':>8}{'shopctl p50 ms':>16}{'p99 ms':>9}{'errors':>8}"
      f"{'h2load CPU us/call':>20}{'shopctl CPU us/call':>21}")
for r in range(1, rounds + 1):
    text = open(f"{work}/h2load.{r}").read()
    rate = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    done, ok = map(int, re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", text).groups())
    if done != ok:
        print(f"warning: h2load round {r}: {done - ok} of {done} requests did not succeed at the HTTP level")
    run = json.load(open(f"{work}/shopctl.{r}"))["runs"][0]
    h2.append(rate)
    sc.append(run["calls_per_second"])
    # CPU per call over the whole process life (warm-up included for both tools).
    h2cpu.append(cpu_seconds(f"{work}/h2load.{r}.cpu") * 1e6 / max(1, rate * (run["elapsed_seconds"] + run_warmup(r))))
    sccpu.append(cpu_seconds(f"{work}/shopctl.{r}.cpu") * 1e6 / max(1, run["calls_per_second"] * (run["elapsed_seconds"] + run_warmup(r))))
    print(f"{r:<8}{rate:>16.0f}{run['calls_per_second']:>17.0f}{run['calls_per_second'] / rate:>8.2f}"
          f"{run['latency_ms']['p50']:>16.3f}{run['latency_ms']['p99']:>9.3f}{run['errors']:>8}{h2cpu[-1]:>20.1f}{sccpu[-1]:>21.1f}")
ratio = statistics.mean(sc) / statistics.mean(h2)
ratios = [s / h for s, h in zip(sc, h2)]
print(f"{'mean':<8}{statistics.mean(h2):>16.0f}{statistics.mean(sc):>17.0f}{ratio:>8.2f}{'':>33}"
      f"{statistics.mean(h2cpu):>20.1f}{statistics.mean(sccpu):>21.1f}")
print("(calls/s is the server's pace when the server is the bottleneck; CPU us/call is the load generator's own cost)")
print(f"per-round ratios: median {statistics.median(ratios):.2f}, range {min(ratios):.2f} - {max(ratios):.2f}")
print(f"bar (shopctl bench >= 0.90 x h2load): {'met' if ratio >= 0.90 else 'not met'} ({ratio:.2f}, ratio of the mean rates)")
PY
