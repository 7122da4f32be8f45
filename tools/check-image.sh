#!/usr/bin/env bash
# Runs the shopserve image (tools/build-image.sh) the way Kubernetes would (non-root, read-only
# root filesystem, no capabilities) with podman, and checks it: healthy over gRPC with the
# bundled shopctl, answers reflection and health calls, and exits 0 after a graceful SIGTERM
# drain. Prints image size, start-up and shutdown times. Not part of tools/test.sh.
#   tools/check-image.sh [IMAGE]        (default localhost/shopserve:dev)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${1:-${IMAGE:-localhost/shopserve:dev}}
NAME=shopserve-check-$$
podman image exists "$IMAGE" || { echo "check-image: no image $IMAGE (run tools/build-image.sh)" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUN=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host)
trap 'podman rm -f "$NAME" >/dev/null 2>&1 || true' EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
ctl() { podman exec "$NAME" shopctl --target "127.0.0.1:$PORT" --timeout 2s "$@"; }

size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
echo "check-image: $IMAGE $(python3 -c "print(f'{$size/1e6:.1f} MB')")"

start=$(now)
podman run -d --name "$NAME" "${RUN[@]}" --read-only --cap-drop ALL --security-opt no-new-privileges \
  -e SHOPSERVE_LISTEN="127.0.0.1:$PORT" -e SHOPSERVE_GRACE_PERIOD=5 "$IMAGE" >/dev/null

# Healthy within 60 s (bounded: 600 tries x 0.1 s, plus the exec time of each try).
for _ in $(seq 600); do
  if ctl health >/dev/null 2>&1; then break; fi
  if [ "$(podman inspect "$NAME" --format '{{.State.Running}}')" != true ]; then
    podman logs "$NAME" >&2; echo "check-image: FAIL: the container exited before it was healthy" >&2; exit 1
  fi
  sleep 0.1
done
ctl health || { podman logs "$NAME" >&2; echo "check-image: FAIL: not healthy after 60 s" >&2; exit 1; }
echo "check-image: healthy $(since "$start") s after podman run"

echo "check-image: runs as uid $(podman exec "$NAME" id -u), root filesystem read-only: $(podman inspect "$NAME" --format '{{.HostConfig.ReadonlyRootfs}}')"
ctl list
ctl call grpc.health.v1.Health/Check --data '{"service": ""}'
# Each shop service: SERVING once its model (baked into the image's models/) is loaded.
for service in $(ctl list | grep '^shop\.v1\.'); do ctl health "$service" || true; done

# The models-pvc overlay's init container: seeds a volume from the baked models as uid 10001.
volume=$(mktemp -d); chown 10001:10001 "$volume" 2>/dev/null || chmod 0777 "$volume"
podman run --rm "${RUN[@]}" --read-only --cap-drop ALL -v "$volume:/models" --entrypoint /bin/cp "$IMAGE" \
  -R -n /opt/shopserve/models/. /models/
echo "check-image: seed-models copied $(find "$volume" -type f | wc -l) files: $(cd "$volume" && ls | tr '\n' ' ')"
rm -rf "$volume"

stop=$(now)
podman kill --signal TERM "$NAME" >/dev/null
status=$(timeout 30 podman wait "$NAME")
echo "check-image: exit status $status, $(since "$stop") s after SIGTERM"
podman logs "$NAME" 2>&1 | tail -n 4
[ "$status" = 0 ] || { echo "check-image: FAIL: exit status $status after SIGTERM" >&2; exit 1; }
echo "check-image: ok"
