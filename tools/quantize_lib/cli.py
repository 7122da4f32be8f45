"""Command line of tools/quantize: FP32 safetensors checkpoint → ShopServe INT8 model version."""
import argparse
import fnmatch
import hashlib
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file, save_file

from . import mlp
from .quantization import dequantize_rows, error_stats, quantize_rows

SCALE_SUFFIX = ".scale"
FORMAT_METADATA = {"format": "shopserve-int8", "quantizer": "tools/quantize 1"}

DESCRIPTION = """\
Quantize an FP32 safetensors checkpoint to ShopServe's INT8 layout and write a model version
directory (model.safetensors + config.json).

Every floating-point tensor with 2 or more dimensions that matches --include and not --keep-fp32
becomes INT8 with one F32 scale per row (first axis): NAME (I8, same shape) + NAME.scale (F32 [N]),
symmetric, scale = max|row| / 127. For a linear weight [N, K] (output × input) a row is an output
channel; for an embedding table [V, D] a row is one embedding. 1-D tensors (biases, norms) and
scalars stay F32; integer tensors are copied unchanged.
"""

EPILOG = """\
examples:
  tools/quantize ckpt.safetensors -o models/rank/4 --kind rank.mmoe --name rank
  tools/quantize ckpt.safetensors -o out --config-template config.json --keep-fp32 'head.*' \\
      --calibration calib.safetensors --mlp 'fc1:relu,fc2:relu,head:sigmoid'

See docs/model-format.md for the on-disk format and config.json schema.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tools/quantize", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help="FP32 (or F16/F64) safetensors file")
    parser.add_argument("-o", "--output", required=True, help="version directory to write (created if missing)")
    parser.add_argument("--config-template", help="config.json template to merge (its fields are kept)")
    parser.add_argument("--name", help="model name (config.json 'name'; should equal the model directory)")
    parser.add_argument("--kind", help="model kind (config.json 'kind'); required unless the template has it")
    parser.add_argument("--include", action="append", metavar="GLOB",
                        help="quantize only tensors matching (repeatable; default: all)")
    parser.add_argument("--keep-fp32", action="append", default=[], metavar="GLOB",
                        help="keep matching tensors in F32 (repeatable), e.g. the last layer")
    parser.add_argument("--embedding", action="append", default=[], metavar="GLOB",
                        help="mark matching tensors as embedding tables (per-row scales; recorded in config)")
    parser.add_argument("--transpose", action="append", default=[], metavar="GLOB",
                        help="transpose matching 2-D tensors from [in, out] to [out, in] before quantizing")
    parser.add_argument("--calibration", metavar="FILE",
                        help="safetensors file with calibration inputs [M, K] for the whole-model error")
    parser.add_argument("--calibration-tensor", metavar="NAME",
                        help="tensor in --calibration to use (default: the only one)")
    parser.add_argument("--mlp", metavar="SPEC",
                        help="forward spec for the whole-model error, e.g. 'fc1:relu,fc2:none' "
                             "(layers WEIGHT[+BIAS][:relu|sigmoid|tanh|none])")
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    return parser


def matches(name: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def load_checkpoint(path: str) -> dict:
    try:
        return load_file(path)
    except Exception as error:  # safetensors raises several types; report them uniformly
        raise SystemExit(f"tools/quantize: {path}: cannot read safetensors checkpoint: {error}")


def quantize_checkpoint(tensors: dict, args) -> tuple[dict, list, list]:
    """Returns (output tensors, per-tensor report rows, names kept in F32)."""
    output, report, kept_fp32 = {}, [], []
    include = args.include or ["*"]
    for name in sorted(tensors):
        value = tensors[name]
        if matches(name, args.transpose):
            if value.ndim != 2:
                raise SystemExit(f"tools/quantize: --transpose matched '{name}' of shape {list(value.shape)}; only 2-D tensors")
            value = np.ascontiguousarray(value.T)
        if not np.issubdtype(value.dtype, np.floating):
            output[name] = value
            continue
        value = value.astype(np.float32)
        if value.ndim >= 2 and matches(name, include) and not matches(name, args.keep_fp32):
            if name + SCALE_SUFFIX in tensors:  # an already-quantized I8 tensor + its scale is fine
                raise SystemExit(f"tools/quantize: checkpoint already has '{name + SCALE_SUFFIX}', "
                                 f"which would collide with the scale of '{name}'")
            q, scale = quantize_rows(value)
            output[name], output[name + SCALE_SUFFIX] = q, scale
            report.append((name, list(value.shape), error_stats(value, dequantize_rows(q, scale))))
        else:
            output[name] = np.ascontiguousarray(value)
            if value.ndim >= 2:
                kept_fp32.append(name)
    return output, report, kept_fp32


def merged_config(args, kept_fp32: list, quantized_names: list, embeddings: list) -> dict:
    config = {}
    if args.config_template:
        try:
            with open(args.config_template) as file:
                config = json.load(file)
        except (OSError, json.JSONDecodeError) as error:
            raise SystemExit(f"tools/quantize: {args.config_template}: cannot read config template: {error}")
        if not isinstance(config, dict):
            raise SystemExit(f"tools/quantize: {args.config_template}: config template is not a JSON object")
    config["schema_version"] = 1
    if args.name:
        config["name"] = args.name
    if args.kind:
        config["kind"] = args.kind
    if not config.get("kind"):
        raise SystemExit("tools/quantize: no model kind: pass --kind or a --config-template with 'kind'")
    config["quantization"] = {
        "weights": "int8-symmetric-per-channel",
        "activations": "int8-dynamic-per-row",
        "scale_suffix": SCALE_SUFFIX,
        "fp32_tensors": kept_fp32,
        "int8_tensors": quantized_names,
        "embedding_tensors": embeddings,
    }
    return config


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def print_tensor_report(report: list, quiet: bool):
    if not quiet and report:
        print(f"{'tensor':40} {'shape':>16} {'max abs':>11} {'mean abs':>11} {'relative':>10}")
        for name, shape, stats in report:
            print(f"{name:40} {str(shape):>16} {stats['max_abs']:11.3e} {stats['mean_abs']:11.3e} {stats['relative']:10.3e}")
    worst = max((stats["relative"] for _, _, stats in report), default=0.0)
    print(f"quantized {len(report)} tensors to INT8; worst per-tensor relative error {worst:.3e}")


def parse_mlp(args, original: dict):
    if bool(args.calibration) != bool(args.mlp):
        raise SystemExit("tools/quantize: --calibration and --mlp go together")
    try:
        return mlp.parse_spec(args.mlp, original.keys())
    except ValueError as error:
        raise SystemExit(f"tools/quantize: --mlp: {error}")


def model_error(args, original: dict, quantized: dict):
    """Prints FP32 vs simulated INT8 output error of the --mlp model on the calibration inputs."""
    layers = parse_mlp(args, original)
    inputs = load_checkpoint(args.calibration)
    if args.calibration_tensor:
        if args.calibration_tensor not in inputs:
            raise SystemExit(f"tools/quantize: {args.calibration}: no tensor '{args.calibration_tensor}' "
                             f"(has: {', '.join(sorted(inputs))})")
        x = inputs[args.calibration_tensor]
    elif len(inputs) == 1:
        x = next(iter(inputs.values()))
    else:
        raise SystemExit(f"tools/quantize: {args.calibration} has several tensors ({', '.join(sorted(inputs))}); "
                         "pick one with --calibration-tensor")
    if x.ndim != 2:
        raise SystemExit(f"tools/quantize: calibration inputs must be [rows, features], got {list(x.shape)}")
    reference_tensors = {name: (np.ascontiguousarray(value.T) if matches(name, args.transpose) else value)
                         for name, value in original.items()}
    try:
        reference = mlp.forward_fp32(layers, reference_tensors, x)
        approximation = mlp.forward_int8(layers, quantized, SCALE_SUFFIX, x)
    except ValueError as error:
        raise SystemExit(f"tools/quantize: --mlp: {error}")
    stats = error_stats(reference, approximation)
    line = (f"model output error on {x.shape[0]} calibration rows: max abs {stats['max_abs']:.3e}, "
            f"mean abs {stats['mean_abs']:.3e}, relative {stats['relative']:.3e}")
    if reference.shape[1] > 1:
        agreement = float(np.mean(reference.argmax(axis=1) == approximation.argmax(axis=1)))
        line += f", argmax agreement {agreement:.4f}"
    print(line)
    return stats


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    original = load_checkpoint(args.checkpoint)
    if args.calibration or args.mlp:
        parse_mlp(args, original)  # refuse a bad spec before writing anything
    output, report, kept_fp32 = quantize_checkpoint(original, args)
    embeddings = [name for name, _, _ in report if matches(name, args.embedding)]
    config = merged_config(args, kept_fp32, [name for name, _, _ in report], embeddings)

    os.makedirs(args.output, exist_ok=True)
    weights_path = os.path.join(args.output, "model.safetensors")
    temporary = weights_path + ".tmp"
    save_file(output, temporary, metadata=FORMAT_METADATA)
    config["sha256"] = sha256_of(temporary)
    config_temporary = os.path.join(args.output, "config.json.tmp")
    with open(config_temporary, "w") as file:
        json.dump(config, file, indent=2, sort_keys=True)
        file.write("\n")
    os.replace(temporary, weights_path)
    os.replace(config_temporary, os.path.join(args.output, "config.json"))

    print_tensor_report(report, args.quiet)
    if args.calibration or args.mlp:
        model_error(args, original, output)
    size = os.path.getsize(weights_path)
    print(f"wrote {weights_path} ({size} bytes, sha256 {config['sha256']}) and config.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
