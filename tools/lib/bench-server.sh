# Shared by the tools/bench-*.sh scripts (source it): start a server pinned to one core, learn
# its address from its "listening on HOST:PORT" line, stop it, and clean up on exit.
#
# The caller sets: work (a scratch directory), server_core (the core to pin to) and
# bench_name (the script's name for error messages); then calls bench_server_cleanup_on_exit.

server_pid=
address=

# bench_server_start NAME COMMAND...: starts COMMAND pinned to $server_core, output in
# $work/NAME.server.log, and sets server_pid and address; exits the script when the server
# does not report its address within 30 s.
bench_server_start() {
  local name=$1; shift
  taskset -c "$server_core" "$@" >"$work/$name.server.log" 2>&1 &
  server_pid=$!
  address=
  for _ in $(seq 300); do
    address=$(sed -n 's/.*listening on \([^ ]*:[0-9]*\).*/\1/p' "$work/$name.server.log" | head -1)
    [ -n "$address" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$bench_name: $name did not report 'listening on' within 30 s; log:" >&2
  cat "$work/$name.server.log" >&2
  exit 1
}

# bench_server_stop: stops the running server, if any.
bench_server_stop() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

# bench_server_cleanup_on_exit: on exit, stop the server and remove $work.
bench_server_cleanup_on_exit() {
  trap 'bench_server_stop; rm -rf "$work"' EXIT
}
