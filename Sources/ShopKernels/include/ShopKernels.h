#ifndef SHOP_KERNELS_H
#define SHOP_KERNELS_H
/*
 * ShopKernels: INT8 inference kernels with runtime CPU dispatch.
 *
 * Variants: AVX-512 VNNI, AVX2 and portable scalar C. The best variant the CPU supports is chosen
 * once (first call into the library); tests may force another one. Every variant produces results
 * bit-identical to the scalar variant for the same inputs (same integer sums, same float operations
 * in the same order; no FMA contraction anywhere).
 *
 * Conventions shared by every function below
 * - Matrices are row-major. A "leading dimension" (lda, ldc, ...) is the distance between the starts
 *   of two consecutive rows, counted in ELEMENTS of that matrix's type (not bytes); it must be
 *   >= the row length. Pointers need only the natural alignment of their element type (int8: none,
 *   float/int32: 4 bytes); kernels use unaligned vector loads. A packed-weight buffer must be 8-byte
 *   aligned (64 recommended).
 * - Sizes of 0 are valid everywhere and do nothing (pointers may then be NULL).
 * - Outputs must not overlap inputs unless a function says it allows in-place use.
 * - Functions are reentrant and thread-safe (they only read shared state that is set once), except
 *   shop_kernels_force_variant(). Nothing here starts threads: one call runs on the calling thread.
 * - Functions returning int return SHOP_OK (0) or a negative SHOP_E* code; a bad argument never
 *   crashes and never writes a partial result unless stated.
 * - Some entry points need scratch memory for a block of rows (up to about 192 KiB, more when K is
 *   large: at least 6 rows of K * 3 bytes); it comes from a buffer owned by the calling thread, allocated on first use
 *   and reused (grown when needed) afterwards, so the hot path does not call malloc.
 *
 * Quantization scheme (matches docs/model-format.md)
 * - Weights W[N x K]: symmetric int8 per output channel n, w_real[n,k] ~= W[n,k] * w_scale[n].
 * - Activations X[M x K]: symmetric int8 per row m, x_real[m,k] ~= A[m,k] * a_scale[m],
 *   a_scale = max|x[m,:]| / 127, A = clamp(round_half_even(x / a_scale), -127, 127); an all-zero
 *   row has scale 0 and A = 0.
 * - acc[m,n] = sum_k A[m,k] * W[n,k], exact in int32 (K <= SHOP_MAX_K keeps it in range).
 * - y[m,n] = (float)acc * (a_scale[m] * w_scale[n]) (+ bias[n] when bias != NULL), then activation.
 *   Kernels accept the full int8 range -128..127 for both A and W.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

#define SHOP_OK 0
/** An argument is invalid (NULL pointer with a non-zero size, leading dimension too small, ...). */
#define SHOP_EINVAL (-1)
/** The caller's buffer is smaller than the size the matching *_size() function returned. */
#define SHOP_ESIZE (-2)
/** The requested variant is not supported by this CPU. */
#define SHOP_EUNSUPPORTED (-3)
/** A packed-weight buffer is not one produced by shop_pack_weights (bad magic or header). */
#define SHOP_EPACKED (-4)
/** An index (embedding row) is out of range. */
#define SHOP_EINDEX (-5)
/** The thread's scratch buffer could not be allocated. */
#define SHOP_ENOMEM (-6)

/** A static English description of a SHOP_* code ("ok", "invalid argument", ...). */
const char *shop_kernels_strerror(int code);

/** Largest reduction length K of the GEMM: |acc| <= 128 * 128 * K and the VNNI kernel's
 *  offset sum (255 * 128 * K) must fit in int32. */
#define SHOP_MAX_K 65536

/* ---------------------------------------------------------------- variants and dispatch */

typedef enum shop_kernel_variant {
    SHOP_KERNEL_SCALAR = 0,       /**< portable C, the reference every other variant matches */
    SHOP_KERNEL_AVX2 = 1,         /**< AVX2: vpmaddwd on int8 sign-extended to int16; rows in 0..127
                                       (after ReLU) use vpmaddubsw, which cannot saturate there */
    SHOP_KERNEL_AVX512_VNNI = 2,  /**< AVX-512 F/BW/VL + VNNI: vpdpbusd */
} shop_kernel_variant;

/** The variant the library uses now (the best supported one unless forced). */
shop_kernel_variant shop_kernels_active_variant(void);
/** The best variant this CPU supports (detected once with __builtin_cpu_supports). */
shop_kernel_variant shop_kernels_best_variant(void);
/** Whether this CPU can run `variant`. */
bool shop_kernels_variant_supported(shop_kernel_variant variant);
/** "scalar", "avx2", "avx512vnni" (or "unknown"). */
const char *shop_kernels_variant_name(shop_kernel_variant variant);
/** Makes `variant` the active one for later calls (tests and benchmarks only: not thread-safe
 *  against concurrent kernel calls). Returns SHOP_EUNSUPPORTED if the CPU lacks it. */
int shop_kernels_force_variant(shop_kernel_variant variant);
/** Undoes shop_kernels_force_variant: back to shop_kernels_best_variant(). */
void shop_kernels_reset_variant(void);

/* ---------------------------------------------------------------- activations */

typedef enum shop_activation {
    SHOP_ACT_NONE = 0,
    SHOP_ACT_RELU = 1,    /**< y > 0 ? y : 0 (NaN becomes 0) */
    SHOP_ACT_SIGMOID = 2, /**< 1 / (1 + shop_expf(-y)) */
    SHOP_ACT_TANH = 3,    /**< shop_tanhf(y) */
} shop_activation;

/** The library's own exp (Cephes-style polynomial, <= 2 ulp from expf on [-87, 88]; input clamped
 *  to [-87, 88], NaN maps to exp(88)). Every variant evaluates this exact sequence of operations,
 *  which is what makes sigmoid and softmax bit-identical across variants. */
float shop_expf(float x);

/** The library's tanh (Cephes tanhf: an odd polynomial for |x| < 0.625, else
 *  1 - 2 / (shop_expf(2|x|) + 1) with x's sign; a few ulp from tanhf). Every variant evaluates this
 *  exact sequence of operations, so the fused tanh epilogue is bit-identical across variants. */
float shop_tanhf(float x);

/* ---------------------------------------------------------------- activation quantization */

/**
 * Quantizes each row of X[m x k] (row stride ldx floats) to int8 Q[m x k] (row stride ldq bytes)
 * with one scale per row: scales[i] = max|X[i,:]| / 127, Q = clamp(round_half_even(X * (127 /
 * max)), -127, 127); all-zero rows give scale 0 and zeros. X must be finite (NaN/inf give
 * unspecified values, never a crash). Q must not overlap X.
 * Optionally (row_sums != NULL) also writes row_sums[i] = sum_k Q[i,k].
 */
int shop_quantize_rows(size_t m, size_t k, const float *x, size_t ldx, int8_t *q, size_t ldq,
                       float *scales, int32_t *row_sums);

/* ---------------------------------------------------------------- weight packing */

/**
 * Bytes needed to pack an int8 weight matrix W[n x k] for the active variant (for `variant` in
 * the _for form), or 0 if k > SHOP_MAX_K or the size overflows. The layout is private to the
 * variant: 64-byte header, then column panels (16 columns x 4 k for VNNI, stored as W+128;
 * 8 columns x 4 k for AVX2; plain rows for scalar), zero-padded; about n*k + 64 bytes.
 */
size_t shop_packed_weights_size(size_t n, size_t k);
size_t shop_packed_weights_size_for(shop_kernel_variant variant, size_t n, size_t k);

/**
 * Packs raw row-major int8 weights W[n x k] (row stride ldw bytes; the tensor straight from the
 * safetensors file, PyTorch Linear.weight layout [out_features, in_features]) into `packed`,
 * a caller-allocated buffer of at least shop_packed_weights_size(n, k) bytes (8-byte aligned,
 * 64 recommended). Done once at load time; the packed buffer is immutable afterwards and may be
 * shared by any number of threads. It records its variant, and every GEMM call runs the kernel of
 * that variant (so a buffer packed for AVX2 stays valid if the active variant changes later).
 * W is not referenced after the call.
 */
int shop_pack_weights(size_t n, size_t k, const int8_t *w, size_t ldw, void *packed,
                      size_t packed_size);
int shop_pack_weights_for(shop_kernel_variant variant, size_t n, size_t k, const int8_t *w,
                          size_t ldw, void *packed, size_t packed_size);

/** Header queries: output channels N, reduction length K, and the variant of a packed buffer.
 *  Return 0 / SHOP_KERNEL_SCALAR for a buffer that is not a valid packed-weight buffer. */
size_t shop_packed_weights_n(const void *packed);
size_t shop_packed_weights_k(const void *packed);
shop_kernel_variant shop_packed_weights_variant(const void *packed);

/* ---------------------------------------------------------------- GEMM / GEMV */

/**
 * Raw integer product: C[i,j] = sum_k A[i,k] * W[j,k] for i < m, j < N, as int32.
 * A: int8 [m x K], row stride lda >= K bytes. packed_w: from shop_pack_weights (gives N, K).
 * C: int32 [m x N], row stride ldc >= N elements. m = 1 takes the GEMV path.
 */
int shop_gemm_s8s8_s32(size_t m, const int8_t *a, size_t lda, const void *packed_w, int32_t *c,
                       size_t ldc);

/**
 * Quantized linear layer on pre-quantized activations:
 * C[i,j] = act((float)acc[i,j] * (a_scales[i] * w_scales[j]) + bias[j]).
 * a_scales: m floats; w_scales: N floats (the NAME.scale tensor); bias: N floats or NULL (then
 * nothing is added); C: float [m x N], row stride ldc >= N.
 */
int shop_gemm_s8s8_f32(size_t m, const int8_t *a, size_t lda, const float *a_scales,
                       const void *packed_w, const float *w_scales, const float *bias,
                       shop_activation act, float *c, size_t ldc);

/**
 * Fused path for the Swift layers: quantizes each row of X [m x K] (row stride ldx floats) exactly
 * like shop_quantize_rows, then computes shop_gemm_s8s8_f32. Bit-identical to calling the two
 * separately; no caller-visible temporary (uses the thread's scratch buffer).
 * The batch is the M dimension: pass all rows of a batch in one call.
 */
int shop_linear_f32(size_t m, const float *x, size_t ldx, const void *packed_w,
                    const float *w_scales, const float *bias, shop_activation act, float *c,
                    size_t ldc);

/* ---------------------------------------------------------------- embedding bag */

typedef enum shop_bag_mode {
    SHOP_BAG_SUM = 0,
    SHOP_BAG_MEAN = 1, /**< sum divided by the number of entries in the bag (not the weight sum) */
} shop_bag_mode;

/**
 * Embedding bag over an int8 table T[rows x dim] (row stride ld_table bytes) with one scale per row
 * (row_scales[rows]): for bag b, entries e in [offsets[b], offsets[b+1]):
 *   out[b, :] = sum_e (weight_e * row_scales[idx_e]) * (float)T[idx_e, :]   (in entry order)
 * with weight_e = per_sample_weights[e] or 1 when per_sample_weights == NULL; MEAN divides by
 * offsets[b+1] - offsets[b]. An empty bag yields zeros. offsets has bags + 1 non-decreasing entries
 * (CSR style, offsets[0] may be > 0), indices are read at positions offsets[0] ..< offsets[bags].
 * Every index is checked before anything is written: out of range -> SHOP_EINDEX.
 * out: float [bags x dim], row stride ld_out >= dim.
 */
int shop_embedding_bag(size_t rows, size_t dim, const int8_t *table, size_t ld_table,
                       const float *row_scales, const int64_t *indices, const size_t *offsets,
                       size_t bags, const float *per_sample_weights, shop_bag_mode mode,
                       float *out, size_t ld_out);

/* ---------------------------------------------------------------- 2-D convolution (NHWC) */

/** Shape of a 2-D convolution. Tensors are NHWC (channels last): element (b, y, x, c) of the input
 *  is at ((b * in_h + y) * in_w + x) * in_c + c. Weights are [out_c][kernel_h][kernel_w][in_c]
 *  int8 (OHWI, i.e. N = out_c rows of K = kernel_h * kernel_w * in_c), packed once with
 *  shop_pack_weights(out_c, K, ...). PyTorch's OIHW weights must be transposed to OHWI first. */
typedef struct shop_conv2d_shape {
    size_t batch, in_h, in_w, in_c;
    size_t out_c, kernel_h, kernel_w;
    size_t stride_h, stride_w; /**< >= 1 */
    size_t pad_h, pad_w;       /**< zero padding on each side */
} shop_conv2d_shape;

/** Output height / width: (in + 2 * pad - kernel) / stride + 1, or 0 if the kernel does not fit. */
size_t shop_conv2d_out_h(const shop_conv2d_shape *shape);
size_t shop_conv2d_out_w(const shop_conv2d_shape *shape);
/** Bytes of workspace shop_conv2d_nhwc_f32 needs (0 for an invalid shape). */
size_t shop_conv2d_workspace_size(const shop_conv2d_shape *shape);

/**
 * Quantized convolution: each input image is quantized with ONE scale (its max|x| / 127, the
 * per-row rule applied to the whole H*W*C image), patches are gathered with im2col into rows of K
 * int8 values (padding = 0), and the GEMM computes
 *   out[b, oy, ox, oc] = act((float)acc * (image_scale[b] * w_scales[oc]) + bias[oc]).
 * input: float NHWC [batch, in_h, in_w, in_c]; output: float NHWC [batch, out_h, out_w, out_c];
 * workspace: caller-allocated, shop_conv2d_workspace_size() bytes, any alignment.
 */
int shop_conv2d_nhwc_f32(const shop_conv2d_shape *shape, const float *input, const void *packed_w,
                         const float *w_scales, const float *bias, shop_activation act,
                         void *workspace, size_t workspace_size, float *output);

/* ---------------------------------------------------------------- top-k */

/**
 * Selects the k largest (largest = true) or k smallest values of x[n] and writes them best first
 * to values[] and their positions to indices[] (both caller-allocated with room for min(k, n)).
 * Order: by value, ties broken by the smaller index first (stable). -0.0 and +0.0 are equal;
 * NaN ranks above +inf (so it is selected first by largest, last by smallest).
 * Returns the number of results, min(k, n), or a negative SHOP_E* code.
 * Time O(n + r log k) where r is the number of replacements; no allocation (the outputs are the heap).
 */
long shop_topk_f32(size_t n, const float *x, size_t k, bool largest, float *values,
                   int64_t *indices);

/* ---------------------------------------------------------------- softmax */

/**
 * Row-wise softmax of X[m x n] into Y[m x n] (row strides ldx, ldy floats):
 * y = shop_expf(x - max(row)) / sum_row, summed left to right (numerically stable: the largest
 * term is exactly 1). X should be finite; a row whose maximum is -inf yields 1/n everywhere.
 * In-place use (y == x and ldy == ldx) is allowed.
 */
int shop_softmax_rows_f32(size_t m, size_t n, const float *x, size_t ldx, float *y, size_t ldy);

/* ---------------------------------------------------------------- benchmark support */

/** Register-only loops for measuring this core's int8 multiply-accumulate peak. */
#define SHOP_PEAK_VNNI 0          /**< vpdpbusd zmm, 16 accumulators (64 MACs per instruction) */
#define SHOP_PEAK_AVX2_MADDWD 1   /**< vpmaddwd + vpaddd ymm: the AVX2 kernel's own sequence */
#define SHOP_PEAK_AVX2_MADDUBSW 2 /**< vpmaddubsw + vpmaddwd + vpaddd ymm (the AVX2 kernel's op for rows in 0..127) */

/** Runs loop `which` for `iterations` rounds and returns the multiply-accumulates it performed
 *  (0 if this CPU cannot run it). The caller times the call. */
uint64_t shop_kernels_peak_loop(int which, uint64_t iterations);

#ifdef __cplusplus
}
#endif
#endif
