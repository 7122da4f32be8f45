#!/usr/bin/env bash
# Transport benchmark: grpc.health.v1.Health/Check throughput and latency of
# shopserve side by side with the stock gRPC C++ server (Debian's libgrpc++ 1.51,
# grpc::EnableDefaultHealthCheckService) answering the same Check, measured in
# the same run with the same load, and the ratio between them.
#
#   tools/bench-transport.sh [options]
#     --duration S     measured seconds per server (default 10)
#     --warmup S       warm-up seconds before each measurement (default 2)
#     --clients N      h2load connections (default 4)
#     --streams N      concurrent streams per connection (default 16)
#     --server-core C  core the server is pinned to (default 0)
#     --load-core C    core h2load is pinned to (default 1)
#     --skip-build     use the binaries already built
#   Environment: SHOPSERVE_BIN (default: release build of the shopserve
#   product), SHOPSERVE_ARGS (default "--reactors 1 --workers 1"),
#   BENCH_BUILD_DIR (C++ build output, default .build/interop-cpp).
#
# Load: h2load over h2c, POST of one length-prefixed empty HealthCheckRequest
# with content-type application/grpc and te: trailers. Before and after each
# measurement the stock C++ interop client checks that the server really
# answers Check with SERVING (h2load cannot read grpc-status). This prints
# numbers; it never fails on them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=10 warmup=2 clients=4 streams=16 server_core=0 load_core=1 skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --server-core) server_core=$2; shift 2 ;;
    --load-core) load_core=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench-transport: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in h2load taskset make; do
  command -v "$tool" >/dev/null || { echo "bench-transport: $tool not found (apt-get install nghttp2-client util-linux make)" >&2; exit 2; }
done

cpp_build=${BENCH_BUILD_DIR:-$root/.build/interop-cpp}
if [ "$skip_build" = 0 ]; then
  echo "== building the stock C++ reference server and interop client ($cpp_build)"
  mkdir -p "$cpp_build"
  make -s -j2 -C Tests/Interop/cpp BUILD="$cpp_build" client server
  if [ -z "${SHOPSERVE_BIN:-}" ]; then
    echo "== building shopserve (release)"
    swift build -c release --product shopserve
  fi
fi
shopserve_bin=${SHOPSERVE_BIN:-$(swift build -c release --show-bin-path)/shopserve}
read -r -a shopserve_args <<<"${SHOPSERVE_ARGS-"--reactors 1 --workers 1"}"
for bin in "$cpp_build/reference_server" "$cpp_build/interop_client" "$shopserve_bin"; do
  [ -x "$bin" ] || { echo "bench-transport: $bin is missing (run without --skip-build)" >&2; exit 2; }
done

work=$(mktemp -d) bench_name=bench-transport
. tools/lib/bench-server.sh
bench_server_cleanup_on_exit
# One gRPC message: compressed-flag 0, length 0 (an empty HealthCheckRequest).
printf '\x00\x00\x00\x00\x00' >"$work/check.bin"

# show_server_log NAME: what the server wrote (after a failure; a crash report
# starts with its cause, so the head is what matters).
show_server_log() {
  echo "--- $1 server output (first 80 lines):" >&2
  head -n 80 "$work/$1.server.log" >&2
}

# verify NAME: the server answers Check("") with SERVING to a stock client.
verify() {
  if ! timeout 60 "$cpp_build/interop_client" --target "$address" --stock-server --only 'Check("") is SERVING' >"$work/$1.verify.log" 2>&1; then
    echo "bench-transport: $1 does not answer Health/Check correctly:" >&2
    cat "$work/$1.verify.log" >&2
    show_server_log "$1"
    exit 1
  fi
}

# measure NAME: h2load against $address; writes $work/NAME.h2load and NAME.log.
measure() {
  local name=$1
  echo "== $name: ${warmup}s warm-up + ${duration}s, $clients connections x $streams streams, server on core $server_core, h2load on core $load_core"
  verify "$name"
  taskset -c "$load_core" timeout $((duration + warmup + 60)) \
    h2load -t 1 -c "$clients" -m "$streams" -D "$duration" --warm-up-time="$warmup" \
      -d "$work/check.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
      --log-file="$work/$name.log" "http://$address/grpc.health.v1.Health/Check" >"$work/$name.h2load" 2>&1 || {
    echo "bench-transport: h2load failed against $name:" >&2; cat "$work/$name.h2load" >&2; show_server_log "$name"; exit 1; }
  verify "$name"
  grep -E '^(finished in|requests:|status codes:)' "$work/$name.h2load" | sed 's/^/   /'
}

bench_server_start reference "$cpp_build/reference_server" --listen 127.0.0.1:0
measure reference
bench_server_stop

bench_server_start shopserve "$shopserve_bin" --listen 127.0.0.1:0 "${shopserve_args[@]}"
measure shopserve
bench_server_stop

python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]

def summary(name):
    text = open(f"{work}/{name}.h2load").read()
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    done, ok, failed, errored = map(int, re.search(
        r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text).groups())
    data = int(re.search(r"headers .*?, [\d.]+\w* \((\d+)\) data", text).group(1))
    lat = sorted(int(line.split("\t")[2]) for line in open(f"{work}/{name}.log") if line.strip())
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] / 1000 if lat else float("nan")
    return dict(rps=rps, done=done, bad=failed + errored + (done - ok), bytes_per=data / max(done, 1),
                p50=pct(50), p90=pct(90), p99=pct(99), p999=pct(99.9), max=lat[-1] / 1000 if lat else float("nan"))

ref, shop = summary("reference"), summary("shopserve")
print()
print(f"{'health Check':<22}{'grpc C++ 1.51':>16}{'shopserve':>16}{'shopserve/ref':>16}")
rows = [("requests/s", "rps", "{:.0f}"), ("latency p50 (ms)", "p50", "{:.3f}"), ("latency p90 (ms)", "p90", "{:.3f}"),
        ("latency p99 (ms)", "p99", "{:.3f}"), ("latency p99.9 (ms)", "p999", "{:.3f}"), ("latency max (ms)", "max", "{:.3f}")]
for label, key, fmt in rows:
    ratio = shop[key] / ref[key] if ref[key] else float("nan")
    print(f"{label:<22}{fmt.format(ref[key]):>16}{fmt.format(shop[key]):>16}{ratio:>15.2f}x")
print(f"{'requests measured':<22}{ref['done']:>16}{shop['done']:>16}")
for name, s in (("reference", ref), ("shopserve", shop)):
    if s["bad"]:
        print(f"warning: {name}: {s['bad']} requests failed or did not succeed at the HTTP level")
    if s["bytes_per"] < 7:
        print(f"warning: {name}: {s['bytes_per']:.1f} DATA bytes per response (< 7): responses carry no HealthCheckResponse")
met = shop["rps"] >= 2 * ref["rps"] and shop["p99"] < ref["p99"]
print(f"bar (>= 2x requests/s at a lower p99): {'met' if met else 'not met'}")
PY
