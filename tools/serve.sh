#!/usr/bin/env bash
# Sets up the machine (tools/setup.sh), builds shopserve in release mode and starts it on the
# bundled default models. Extra arguments go to shopserve (see `shopserve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release --product shopserve
exec .build/release/shopserve --models models "$@"
