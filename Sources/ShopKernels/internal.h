/* Private declarations shared by the ShopKernels translation units (not part of the API). */
#ifndef SHOP_KERNELS_INTERNAL_H
#define SHOP_KERNELS_INTERNAL_H

/* Bit-exactness across variants needs every float operation to be the one written: never fuse a
 * multiply and an add into an FMA (the AVX-512 target would otherwise contract them). */
#pragma clang fp contract(off)

#include "ShopKernels.h"

#include <string.h>

#define SHOP_TARGET_AVX2 __attribute__((target("avx2")))
#define SHOP_TARGET_VNNI \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define SHOP_INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------------------- dispatch */

shop_kernel_variant shop__variant(void);

/* ------------------------------------------------------------- packed weights */

#define SHOP_PACK_MAGIC 0x4b504853u /* "SHPK" */
#define SHOP_PACK_HEADER 64

typedef struct shop__packed_header {
    uint32_t magic;
    uint32_t variant;
    uint64_t n, k;
    uint64_t k_pad;   /* K rounded up to the variant's k group */
    uint64_t panels;  /* number of column panels */
    uint64_t reserved[3];
} shop__packed_header;

_Static_assert(sizeof(shop__packed_header) == SHOP_PACK_HEADER, "packed header is 64 bytes");

/* Validated header of a packed buffer, or NULL. */
const shop__packed_header *shop__packed(const void *packed);

#define SHOP_VNNI_PANEL 16 /* columns per panel (one zmm of int32) */
#define SHOP_VNNI_KG 4     /* k values per vpdpbusd lane */
#define SHOP_AVX2_PANEL 8  /* columns per panel (one ymm of int32) */
#define SHOP_AVX2_KG 4     /* k values per column group (vpmaddubsw + vpmaddwd, or 2 x vpmaddwd) */

/* ------------------------------------------------------------- GEMM epilogue */

/* What to do with the int32 tile: store it raw (c32) or dequantize into c32f. */
typedef struct shop__epilogue {
    int32_t *c32;         /* raw output, or NULL */
    float *cf;            /* float output (when c32 == NULL) */
    size_t ldc;
    const float *a_scales; /* per row of the whole call (indexed by absolute row) */
    const float *w_scales;
    const float *bias;     /* or NULL */
    shop_activation act;
} shop__epilogue;

/* Per-variant GEMM drivers. `a` rows are int8 with stride lda; when `x` is non-NULL the driver
 * quantizes the float rows itself (fused path) and `a`/`a_scales` are ignored. */
typedef struct shop__gemm_args {
    size_t m;
    const int8_t *a;
    size_t lda;
    const float *x;
    size_t ldx;
    const shop__packed_header *w;
    shop__epilogue ep;
} shop__gemm_args;

int shop__gemm_scalar(const shop__gemm_args *g);
int shop__gemm_avx2(const shop__gemm_args *g);
int shop__gemm_vnni(const shop__gemm_args *g);

/* Scalar epilogue for one value (the reference every vector epilogue reproduces). */
float shop__expf_scalar(float x);
float shop__tanhf_scalar(float x);
SHOP_INLINE float shop__finish(int32_t acc, float a_scale, float w_scale, const float *bias,
                               size_t j, shop_activation act) {
    float s = a_scale * w_scale;
    float y = (float)acc * s;
    if (bias) y = y + bias[j];
    switch (act) {
    case SHOP_ACT_RELU: y = y > 0.0f ? y : 0.0f; break;
    case SHOP_ACT_SIGMOID: y = 1.0f / (1.0f + shop__expf_scalar(-y)); break;
    case SHOP_ACT_TANH: y = shop__tanhf_scalar(y); break;
    default: break;
    }
    return y;
}

/* Row quantizers (one per variant, identical results). */
void shop__quantize_row_scalar(size_t k, const float *x, int8_t *q, float *scale, int32_t *sum);
void shop__quantize_row_avx2(size_t k, const float *x, int8_t *q, float *scale, int32_t *sum);
void shop__quantize_row_vnni(size_t k, const float *x, int8_t *q, float *scale, int32_t *sum);

/* ------------------------------------------------------------- exp constants (Cephes expf) */

#define SHOP_EXP_HI 88.0f
#define SHOP_EXP_LO (-87.0f)
#define SHOP_LOG2E 1.44269504088896341f
#define SHOP_LN2_HI 0.693359375f
#define SHOP_LN2_LO (-2.12194440e-4f)
#define SHOP_EXP_P0 1.9875691500e-4f
#define SHOP_EXP_P1 1.3981999507e-3f
#define SHOP_EXP_P2 8.3334519073e-3f
#define SHOP_EXP_P3 4.1665795894e-2f
#define SHOP_EXP_P4 1.6666665459e-1f
#define SHOP_EXP_P5 5.0000001201e-1f

/* ------------------------------------------------------------- tanh constants (Cephes tanhf) */

#define SHOP_TANH_SMALL 0.625f /* below: odd polynomial; at or above: via exp(2|x|) */
#define SHOP_TANH_P0 (-5.70498872745e-3f)
#define SHOP_TANH_P1 2.06390887954e-2f
#define SHOP_TANH_P2 (-5.37397155531e-2f)
#define SHOP_TANH_P3 1.33314422036e-1f
#define SHOP_TANH_P4 (-3.33332819422e-1f)

/* ------------------------------------------------------------- scratch */

/* The calling thread's scratch buffer of at least `bytes` bytes (64-byte aligned), or NULL. */
void *shop__scratch(size_t bytes);

SHOP_INLINE size_t shop__round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }
SHOP_INLINE size_t shop__min(size_t a, size_t b) { return a < b ? a : b; }

#endif
