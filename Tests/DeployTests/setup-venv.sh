#!/usr/bin/env bash
# Installs what Tests/DeployTests needs, once per change of its requirement files: the light
# validators into .venv (made by tools/setup.sh) and checkov into its own venv at .venv/checkov
# (its pins conflict with pytest's). The manifest tests find checkov there.
set -euo pipefail
cd "$(dirname "$0")/../.."

install() {  # install VENV REQUIREMENTS
  local venv=$1 requirements=$2 stamp="$1/.$(basename "$2").sha" want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  echo "deploy-tests: installing $requirements"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
}
install .venv Tests/DeployTests/requirements.txt
install .venv/checkov Tests/DeployTests/requirements-checkov.txt
