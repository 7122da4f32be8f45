"""The stock C++ gRPC client (Debian libgrpc++-dev), built and run by
Tests/Interop/run-cpp-client.sh against the running server. Only runs where that script exists."""
import subprocess

import pytest

from conftest import PACKAGE_ROOT

SCRIPT = PACKAGE_ROOT / "Tests" / "Interop" / "run-cpp-client.sh"


@pytest.mark.skipif(not SCRIPT.exists(), reason="Tests/Interop/run-cpp-client.sh is not in this tree")
def test_cpp_client_against_shopserve(server):
    result = subprocess.run([str(SCRIPT), server.target], cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    server.assert_alive()
