#!/usr/bin/env bash
# Vector search benchmark: ShopServe's INT8 VectorIndex (Benchmarks/VectorSearchBench) vs faiss-cpu
# (IndexFlatIP, IndexIVFFlat) on the same data in one run, both on one pinned core, one thread.
# Datasets: 1M x 64 synthetic clustered vectors, Fashion-MNIST (PCA-64) and the served image_search
# catalogue (CNN embeddings of Fashion-MNIST). Our index runs INT8-only and with INT16 re-scoring
# rows. Prints a table per dataset (recall@10 against exact FP32, queries per CPU second, ratio vs
# faiss) and summary lines.
#
#   tools/bench-vector-search.sh [--cpu N] [--quick] [--datasets synthetic,fashion,fashion-cnn]
#
# Needs: swift, python3; faiss-cpu and numpy are installed into .venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

cpu=$(( $(nproc) - 1 ))
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --cpu) cpu="$2"; shift 2 ;;
        --quick) extra+=(--quick); shift ;;
        --datasets) extra+=(--datasets "$2"); shift 2 ;;
        *) echo "usage: $0 [--cpu N] [--quick] [--datasets synthetic,fashion,fashion-cnn]" >&2; exit 2 ;;
    esac
done

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import faiss, numpy" 2>/dev/null; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install -q faiss-cpu numpy safetensors
fi

swift build -c release --product VectorSearchBench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c "$cpu" .venv/bin/python tools/bench/vector_search.py \
    --bench .build/release/VectorSearchBench "${extra[@]}"
