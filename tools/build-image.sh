#!/usr/bin/env bash
# Builds the shopserve container image (deploy/Containerfile) without a Docker engine or a
# registry: podman/buildah from apt, a Debian bookworm minbase base image made once with
# debootstrap and imported as localhost/debian-bookworm-minbase, the release binaries built on
# the host. Not part of tools/test.sh (minutes, not seconds).
#   tools/build-image.sh                 build localhost/shopserve:dev and :<git commit>
#   IMAGE=localhost/shop VERSION=v1 tools/build-image.sh   other name / version tag
#   SHOPSERVE_MODELS_DIR=/path tools/build-image.sh   bake another model repository in
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/shopserve}
VERSION=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo unversioned)}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian-bookworm-minbase:latest}
MODELS_DIR=${SHOPSERVE_MODELS_DIR:-models}
CACHE=${SHOPSERVE_IMAGE_CACHE:-$HOME/.cache/shopserve-image}
export BUILDAH_ISOLATION=chroot
# apt-get and debootstrap need root; podman/buildah run as the caller (root or rootless).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# command:package pairs; apt-get installs the packages of the missing commands.
missing=$(for tool in podman:podman buildah:buildah runc:runc debootstrap:debootstrap newuidmap:uidmap \
            fuse-overlayfs:fuse-overlayfs slirp4netns:slirp4netns; do
  command -v "${tool%%:*}" >/dev/null || echo "${tool#*:}"; done)
if [ -n "$missing" ]; then
  echo "build-image: installing" $missing
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# 1. The base image, once: a minimal bookworm root filesystem (glibc, coreutils, no apt cache).
if ! podman image exists "$BASE_IMAGE"; then
  rootfs="$CACHE/bookworm-minbase"
  if [ ! -x "$rootfs/bin/sh" ]; then
    echo "build-image: debootstrap --variant=minbase bookworm (once, a few minutes)"
    as_root rm -rf "$rootfs"; mkdir -p "$CACHE"
    as_root debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$CACHE/debootstrap.log"
    # Nothing installs packages into this image later: drop apt's caches and lists, and docs.
    as_root rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/info/*
  fi
  echo "build-image: importing $BASE_IMAGE"
  as_root tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/sh"]' - "$BASE_IMAGE" >/dev/null
fi

# 2. The binaries: release, Swift runtime linked in statically.
echo "build-image: swift build -c release --static-swift-stdlib (shopserve, shopctl)"
swift build -c release --static-swift-stdlib --product shopserve
swift build -c release --static-swift-stdlib --product shopctl
bin=$(swift build -c release --show-bin-path)

# 3. The build context: /opt/shopserve with the binaries, their non-glibc shared libraries and
#    the model repository.
context=$(mktemp -d); trap 'rm -rf "$context"' EXIT
root="$context/opt/shopserve"
mkdir -p "$root/bin" "$root/lib" "$root/models"
install -m 0755 "$bin/shopserve" "$bin/shopctl" "$root/bin/"
glibc='/(ld-linux[^/]*|libc|libm|libdl|libpthread|librt|libresolv|libutil)\.so'
ldd "$bin/shopserve" "$bin/shopctl" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
  grep -Ev "$glibc" | while read -r lib; do cp -L "$lib" "$root/lib/"; done
cp -R "$MODELS_DIR"/. "$root/models/"
cp deploy/Containerfile "$context/Containerfile"

echo "build-image: buildah bud -> $IMAGE:$VERSION, $IMAGE:dev"
buildah bud --quiet --pull=never --isolation chroot --build-arg "BASE_IMAGE=$BASE_IMAGE" \
  -f "$context/Containerfile" -t "$IMAGE:$VERSION" -t "$IMAGE:dev" "$context" >/dev/null
podman image inspect "$IMAGE:dev" --format 'build-image: {{.Id}} {{.Size}} bytes' |
  awk '{printf "build-image: %s  %.1f MB\n", substr($2,1,12), $3/1e6}'
echo "build-image: bundled libraries: $(ls "$root/lib" | tr '\n' ' ')"
