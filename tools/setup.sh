#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for ShopServe: system packages (apt) and the
# project's Python virtual environment (.venv, for training tools and the stock-client tests).
# Idempotent: re-running only installs what is missing.
#   tools/setup.sh            system packages + .venv with test requirements
#   SHOPSERVE_SKIP_APT=1 ...  skip apt (packages already present)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler libssl-dev
  zlib1g-dev grpc-proto nghttp2-client libgrpc++-dev protobuf-compiler-grpc openssl
  libpng-dev libturbojpeg0-dev libmicrohttpd-dev dataset-fashion-mnist python3-venv
)

if [ "${SHOPSERVE_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat tools/requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python requirements"
  .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
  echo "$want" > "$stamp"
fi
echo "setup: ready"
