"""Publishing a trained model: FP32 checkpoint → tools/quantize → models/<name>/<version>/.

The version directory is written under a temporary name next to its final place and renamed into
place, so a running server never sees a half-written version (docs/model-format.md).
"""
import json
import os
import shutil
import tempfile

import numpy as np
from safetensors.numpy import load_file, save_file

from quantize_lib.cli import main as quantize_main

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_MODELS = os.path.join(REPOSITORY_ROOT, "models")


def next_version(model_directory: str) -> int:
    """1 + the highest numeric version present (1 for a new model)."""
    if not os.path.isdir(model_directory):
        return 1
    versions = [int(name) for name in os.listdir(model_directory) if name.isdigit()]
    return max(versions, default=0) + 1


def publish(name: str, tensors: dict, *, kind: str, config: dict, keep_fp32=(), embeddings=(),
            include=(), side_files=None, models_root: str = DEFAULT_MODELS, version=None,
            replace: bool = False, quiet: bool = True) -> tuple[str, dict]:
    """Quantizes `tensors` (name → FP32 numpy array) and publishes them as a model version.

    - `config`: config.json fields (architecture, inputs, outputs, batching, ...); `kind`/`name` are set here.
    - `keep_fp32`, `embeddings`, `include`: tools/quantize globs (--keep-fp32, --embedding, --include).
    - `side_files`: file name → bytes, str (written as UTF-8) or a path to copy.
    - `version`: the version number (default: next free one). `replace=True` overwrites an existing
      version (only for regenerating committed defaults; a served version must never be rewritten).
    Returns (version directory, the quantized tensors as written) so callers can evaluate the INT8 model.
    """
    model_directory = os.path.join(models_root, name)
    os.makedirs(model_directory, exist_ok=True)
    version = next_version(model_directory) if version is None else int(version)
    final = os.path.join(model_directory, str(version))
    if os.path.exists(final) and not replace:
        raise FileExistsError(f"{final} exists; pass a new version or replace=True")

    staging = tempfile.mkdtemp(prefix=f".{version}.staging-", dir=model_directory)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            checkpoint = os.path.join(scratch, "fp32.safetensors")
            save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, checkpoint)
            template = os.path.join(scratch, "template.json")
            with open(template, "w") as file:
                json.dump(config, file)
            argv = [checkpoint, "-o", staging, "--kind", kind, "--name", name, "--config-template", template]
            for flag, globs in (("--keep-fp32", keep_fp32), ("--embedding", embeddings), ("--include", include)):
                for glob in globs:
                    argv += [flag, glob]
            if quiet:
                argv.append("--quiet")
            status = quantize_main(argv)
            if status:
                raise RuntimeError(f"tools/quantize failed with status {status}")
        for file_name, content in (side_files or {}).items():
            destination = os.path.join(staging, file_name)
            if isinstance(content, bytes):
                with open(destination, "wb") as file:
                    file.write(content)
            elif isinstance(content, str) and not os.path.exists(content):
                with open(destination, "w", encoding="utf-8") as file:
                    file.write(content)
            else:
                shutil.copyfile(content, destination)
        os.chmod(staging, 0o755)
        if os.path.exists(final):
            shutil.rmtree(final)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final, load_file(os.path.join(final, "model.safetensors"))
