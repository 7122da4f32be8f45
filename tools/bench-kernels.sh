#!/usr/bin/env bash
# INT8 GEMM benchmark: ShopKernels (KernelBench) vs onnxruntime MatMulInteger, same shapes, same
# pinned core, one thread each, in one run. Prints both tables and the per-shape speed ratio.
# The two sides alternate for --rounds rounds (default 3) and each keeps its best time per shape, so
# load from other processes on a shared machine hits both alike.
#
#   tools/bench-kernels.sh [--cpu N] [--quick] [--rounds R]
#
# Needs: swift, python3 (a venv with onnxruntime/onnx/numpy is created in .venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

cpu=$(( $(nproc) - 1 ))
quick=()
rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
        --cpu) cpu="$2"; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "usage: $0 [--cpu N] [--quick] [--rounds R]" >&2; exit 2 ;;
    esac
done

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import onnxruntime, onnx, numpy" 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install -q onnxruntime onnx numpy
fi

swift build -c release --product KernelBench >/dev/null
ours=$(mktemp) ort=$(mktemp)
trap 'rm -f "$ours" "$ort"' EXIT

for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds"
    .build/release/KernelBench --cpu "$cpu" "${quick[@]}" | tee -a "$ours" | grep -v '^RESULT'
    echo
    taskset -c "$cpu" .venv/bin/python tools/bench/onnx_matmul.py "${quick[@]}" | tee -a "$ort" | grep -v '^RESULT'
    echo
done

echo
echo "ratio = onnxruntime time / ShopKernels time per call (> 1: ShopKernels faster), best batch of all rounds."
echo "relu = ShopKernels s32 on activations in 0..127 (a layer after ReLU; exact vpmaddubsw path on AVX2)."
echo "ShopKernels s32: int8 x packed int8 -> int32 (same output as MatMulInteger)."
echo "ShopKernels fused: f32 in -> quantize -> GEMM -> dequant + bias + ReLU -> f32 (more work than ORT does)."
echo "ORT: MatMulInteger with B a constant initializer (pre-packed), IO binding; s8s8 = int8 A, u8s8 = uint8 A with"
echo "zero point 128 (ORT's fast path). The ratio uses ORT's faster one. ORT wrong = outputs of that graph that differ"
echo "from the exact product on the benchmark's data (its AVX2 u8s8 kernel saturates in vpmaddubsw; ShopKernels is exact)."
echo "ours/peak is of the active variant's peak loop (AVX2: vpmaddwd+vpaddd, the signed kernel's own sequence); the"
echo "bar 'peak>=90%' is of the VNNI peak and reads 'n/a' on a CPU without AVX-512 VNNI."
awk '
    function keep(tab, key, v) { if (!(key in tab) || v < tab[key]) tab[key] = v }
    FNR == NR && $1 == "RESULT" && $2 == "peak" { if ($4 > peak) peak = $4; if ($5 > vnni) vnni = $5 }
    FNR == NR && $1 == "RESULT" && $2 == "gemm" {
        key = $3 " " $4 " " $5; if (!(key in s32)) order[++n] = key
        keep(s32, key, $6); keep(fused, key, $8); keep(relu, key, ($10 != "") ? $10 : $6)
    }
    FNR != NR && $1 == "RESULT" && $2 == "ort" { key = $3 " " $4 " " $5; keep(o8, key, $6); keep(u8, key, $8) }
    FNR != NR && $1 == "RESULT" && $2 == "ortwrong" { key = $3 " " $4 " " $5; wrong[key] = $7 "/" $8; wrong8[key] = $6 }
    END {
        printf "%5s %5s %5s %10s %10s %10s %10s %8s %10s %7s %8s %9s %11s  %s\n", "M", "K", "N", "ours us", "relu us", "fused us", "ORT us", "ORT kind", "ours/peak", "ratio", "relu/ORT", "fused/ORT", "ORT wrong", "bar"
        for (i = 1; i <= n; i++) {
            key = order[i]; split(key, f, " "); m = f[1]; k = f[2]; nn = f[3]
            o = (o8[key] < u8[key]) ? o8[key] : u8[key]; kind = (o8[key] < u8[key]) ? "s8s8" : "u8s8"
            macs = m * k * nn; ratio = o / s32[key]
            frac = (peak > 0) ? sprintf("%8.1f%%", 100 * macs / s32[key] / peak) : "     n/a"
            bar = "-"
            if (m >= 64 && k >= 256) bar = (vnni == 0) ? "VNNI peak n/a" : (macs / s32[key] / vnni >= 0.9) ? "peak>=90% ok" : "peak>=90% MISS"
            if (m <= 16 && k <= 256) bar = (ratio >= 1.5) ? "ratio>=1.5 ok" : "ratio>=1.5 MISS"
            if (ratio < 0.95) bar = bar " / ratio<0.95 MISS"
            w = (kind == "u8s8") ? wrong[key] : wrong8[key] "/" m * nn
            printf "%5d %5d %5d %10.2f %10.2f %10.2f %10.2f %8s %10s %7.2f %8.2f %9.2f %11s  %s\n", m, k, nn, s32[key] * 1e6, relu[key] * 1e6, fused[key] * 1e6, o * 1e6, kind, frac, ratio, o / relu[key], o / fused[key], w, bar
        }
    }' "$ours" "$ort"
