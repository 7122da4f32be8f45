#!/usr/bin/env bash
# Sets up the machine (tools/setup.sh) and runs every test: generated-code staleness check,
# Swift unit tests, and the integration tests that start the real shopserve binary and drive
# it with stock gRPC clients (Python grpcio, C++ grpc++), TLS, and raw HTTP/2 frames.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== generated protobuf code is current"
tools/gen-protos.sh --check

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build --parallel

echo "== python tool tests (quantizer, training helpers)"
.venv/bin/python -m pytest -q tools/quantize_lib/tests tools/train/common/tests tools/train/price/tests \
  tools/train/recsys/tests tools/train/image_search/tests tools/train/dialogue/tests

if [ -d Tests/IntegrationTests ] && ls Tests/IntegrationTests/test_*.py >/dev/null 2>&1; then
  echo "== integration tests (real shopserve, stock clients)"
  Tests/Interop/run-cpp-client.sh --build   # compile the C++ client outside the per-test timeout
  SHOPSERVE_BIN="$PWD/.build/debug/shopserve" SHOPCTL_BIN="$PWD/.build/debug/shopctl" \
    .venv/bin/python -m pytest -q Tests/IntegrationTests
fi
if [ -d Tests/DeployTests ]; then
  echo "== deployment manifests (kustomize, Kubernetes schema, yamllint, checkov, Envoy)"
  Tests/DeployTests/setup-venv.sh
  SHOPSERVE_BIN="$PWD/.build/debug/shopserve" SHOPCTL_BIN="$PWD/.build/debug/shopctl" \
    .venv/bin/python -m pytest -q Tests/DeployTests
fi
echo "== all tests passed"
