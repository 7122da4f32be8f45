#!/usr/bin/env python3
"""onnxruntime MatMulInteger timings on the KernelBench grid (one thread; pin with taskset).

For every shape it times two like-for-like MatMulInteger graphs and prints RESULT lines:
  s8s8: A int8 [M,K] x B int8 [K,N] (constant initializer, so ORT pre-packs it) -> int32
  u8s8: A uint8 with a_zero_point 128 x B int8 -> int32 (same integer result, ORT's fastest path)
Calls go through IO binding with pre-allocated output, so Python adds only the run() call itself.
It also checks each graph's output once against numpy's exact int64 product and prints how many
outputs differ (RESULT ortwrong ...): ORT's AVX2 u8s8 kernel uses vpmaddubsw, which saturates.
"""
import argparse
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def b_matrix(k, n):
    """The constant B of every graph (same seed, so the exactness check can rebuild it)."""
    return np.random.default_rng(1).integers(-127, 128, size=(k, n), dtype=np.int8)


def model(m, k, n, a_type, zero_point):
    b = b_matrix(k, n)
    inits = [numpy_helper.from_array(b, "B")]
    inputs = ["A", "B"]
    if zero_point is not None:
        inits.append(numpy_helper.from_array(np.array(zero_point, dtype=np.uint8), "azp"))
        inputs.append("azp")
    node = helper.make_node("MatMulInteger", inputs, ["C"])
    graph = helper.make_graph([node], "mmi", [helper.make_tensor_value_info("A", a_type, [m, k])],
                              [helper.make_tensor_value_info("C", TensorProto.INT32, [m, n])], inits)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    proto.ir_version = 8
    return proto.SerializeToString()


def session(data):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])


def measure(fn, reps, min_batch):
    for _ in range(3):
        fn()
    calls = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - t0 >= min_batch:
            break
        calls *= 2
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t0) / calls)
    samples.sort()
    return samples[0], samples[len(samples) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps, min_batch = (31, 0.0005) if args.quick else (101, 0.0005)  # many short batches: shared machine
    print(f"onnxruntime {ort.__version__}, MatMulInteger, intra_op_num_threads=1")
    rng = np.random.default_rng(2)
    for m in (1, 16, 64, 256):
        for kn in (64, 256, 1024):
            k = n = kn
            best, wrong = {}, {}
            for name, a_type, zp, dtype in (("s8s8", TensorProto.INT8, None, np.int8),
                                            ("u8s8", TensorProto.UINT8, 128, np.uint8)):
                sess = session(model(m, k, n, a_type, zp))
                a = rng.integers(0 if dtype == np.uint8 else -127, 256 if dtype == np.uint8 else 128,
                                 size=(m, k)).astype(dtype)
                binding = sess.io_binding()
                binding.bind_ortvalue_input("A", ort.OrtValue.ortvalue_from_numpy(a))
                binding.bind_ortvalue_output("C", ort.OrtValue.ortvalue_from_shape_and_type([m, n], np.int32))
                t_best, t_median = measure(lambda: sess.run_with_iobinding(binding), reps, min_batch)
                best[name] = (t_best, t_median)
                exact = (a.astype(np.int64) - (zp or 0)) @ b_matrix(k, n).astype(np.int64)
                wrong[name] = int((sess.run(None, {"A": a})[0] != exact).sum())
            print(f"RESULT ort {m} {k} {n} {best['s8s8'][0]} {best['s8s8'][1]} {best['u8s8'][0]} {best['u8s8'][1]}",
                  flush=True)
            print(f"RESULT ortwrong {m} {k} {n} {wrong['s8s8']} {wrong['u8s8']} {m * n}", flush=True)


if __name__ == "__main__":
    main()
