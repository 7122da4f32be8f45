#!/usr/bin/env bash
# Builds the stock C++ gRPC interop client (Tests/Interop/cpp, Debian's
# libgrpc++-dev + protobuf-compiler-grpc + grpc-proto) and runs it against a
# running server.
#
#   Tests/Interop/run-cpp-client.sh PORT|HOST:PORT [client args...]
#       run every check against shopserve (HOST defaults to 127.0.0.1)
#   Tests/Interop/run-cpp-client.sh --build
#       only build the client (tools/test.sh does this before the timed tests)
#   Tests/Interop/run-cpp-client.sh --against-reference
#       validate the client itself: start the stock C++ reference server, run
#       the checks that hold for any gRPC server, stop it
#
# Exit status: the client's (0 all checks passed, 1 a check failed, 2 usage or
# connection error). Build output goes to $INTEROP_BUILD_DIR (default
# .build/interop-cpp; incremental, never committed).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${INTEROP_BUILD_DIR:-$root/.build/interop-cpp}

if [ $# -lt 1 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi

build_targets() {
  mkdir -p "$build"
  make -s -j"${INTEROP_MAKE_JOBS:-2}" -C "$root/Tests/Interop/cpp" BUILD="$build" "$@" >&2
}

if [ "$1" = "--build" ]; then
  build_targets client
  exit 0
fi

if [ "$1" = "--against-reference" ]; then
  build_targets client server
  log=$(mktemp)
  "$build/reference_server" --listen 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$log"' EXIT
  for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 2; }
    sleep 0.1
  done
  address=$(sed -n 's/^listening on //p' "$log")
  [ -n "$address" ] || { echo "reference server did not start:" >&2; cat "$log" >&2; exit 2; }
  timeout 300 "$build/interop_client" --target "$address" --stock-server
  exit $?
fi

target=$1
shift
case "$target" in
  *:*) ;;
  *[!0-9]*) echo "run-cpp-client.sh: '$target' is neither PORT nor HOST:PORT" >&2; exit 2 ;;
  *) target="127.0.0.1:$target" ;;
esac
build_targets client
exec timeout 300 "$build/interop_client" --target "$target" "$@"
