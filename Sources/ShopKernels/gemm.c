/* GEMM entry points (argument checks, dispatch on the packed buffer's variant) and the scalar
 * reference kernel. */
#include "internal.h"

int shop__gemm_scalar(const shop__gemm_args *g) {
    const size_t n = g->w->n, k = g->w->k;
    const int8_t *w = (const int8_t *)g->w + SHOP_PACK_HEADER;
    int8_t *qrow = NULL;
    if (g->x && !(qrow = shop__scratch(k ? k : 1))) return SHOP_ENOMEM;
    for (size_t i = 0; i < g->m; i++) {
        const int8_t *a = g->a ? g->a + i * g->lda : NULL;
        float a_scale = 0.0f;
        if (g->x) {
            if (k) shop__quantize_row_scalar(k, g->x + i * g->ldx, qrow, &a_scale, NULL);
            a = qrow;
        } else if (g->ep.a_scales) {
            a_scale = g->ep.a_scales[i];
        }
        for (size_t j = 0; j < n; j++) {
            int32_t acc = 0;
            for (size_t kk = 0; kk < k; kk++) acc += (int32_t)a[kk] * (int32_t)w[j * k + kk];
            if (g->ep.c32) {
                g->ep.c32[i * g->ep.ldc + j] = acc;
            } else {
                g->ep.cf[i * g->ep.ldc + j] =
                    shop__finish(acc, a_scale, g->ep.w_scales[j], g->ep.bias, j, g->ep.act);
            }
        }
    }
    return SHOP_OK;
}

static int run(shop__gemm_args *g) {
    switch ((shop_kernel_variant)g->w->variant) {
    case SHOP_KERNEL_SCALAR: return shop__gemm_scalar(g);
    case SHOP_KERNEL_AVX2:
        return shop_kernels_variant_supported(SHOP_KERNEL_AVX2) ? shop__gemm_avx2(g) : SHOP_EUNSUPPORTED;
    case SHOP_KERNEL_AVX512_VNNI:
        return shop_kernels_variant_supported(SHOP_KERNEL_AVX512_VNNI) ? shop__gemm_vnni(g)
                                                                       : SHOP_EUNSUPPORTED;
    }
    return SHOP_EPACKED;
}

/* Common checks; fills g->w. Returns SHOP_OK or an error. */
static int check(shop__gemm_args *g, const void *packed_w, bool have_input, void *c, size_t ldc) {
    g->w = shop__packed(packed_w);
    if (!g->w) return SHOP_EPACKED;
    if (g->m && g->w->n && (!c || ldc < g->w->n)) return SHOP_EINVAL;
    if (g->m && g->w->k && !have_input) return SHOP_EINVAL;
    return SHOP_OK;
}

int shop_gemm_s8s8_s32(size_t m, const int8_t *a, size_t lda, const void *packed_w, int32_t *c,
                       size_t ldc) {
    shop__gemm_args g = {.m = m, .a = a, .lda = lda, .ep = {.c32 = c, .ldc = ldc}};
    int rc = check(&g, packed_w, a && lda >= shop_packed_weights_k(packed_w), c, ldc);
    if (rc != SHOP_OK || m == 0 || g.w->n == 0) return rc;
    return run(&g);
}

int shop_gemm_s8s8_f32(size_t m, const int8_t *a, size_t lda, const float *a_scales,
                       const void *packed_w, const float *w_scales, const float *bias,
                       shop_activation act, float *c, size_t ldc) {
    shop__gemm_args g = {.m = m, .a = a, .lda = lda,
                         .ep = {.cf = c, .ldc = ldc, .a_scales = a_scales, .w_scales = w_scales,
                                .bias = bias, .act = act}};
    int rc = check(&g, packed_w, a && lda >= shop_packed_weights_k(packed_w), c, ldc);
    if (rc != SHOP_OK || m == 0 || g.w->n == 0) return rc;
    if (!a_scales || !w_scales || (unsigned)act > SHOP_ACT_TANH) return SHOP_EINVAL;
    return run(&g);
}

int shop_linear_f32(size_t m, const float *x, size_t ldx, const void *packed_w,
                    const float *w_scales, const float *bias, shop_activation act, float *c,
                    size_t ldc) {
    shop__gemm_args g = {.m = m, .x = x, .ldx = ldx,
                         .ep = {.cf = c, .ldc = ldc, .w_scales = w_scales, .bias = bias, .act = act}};
    int rc = check(&g, packed_w, x && ldx >= shop_packed_weights_k(packed_w), c, ldc);
    if (rc != SHOP_OK || m == 0 || g.w->n == 0) return rc;
    if (!w_scales || (unsigned)act > SHOP_ACT_TANH) return SHOP_EINVAL;
    static const float no_input[1] = {0.0f};
    if (!g.x) g.x = no_input; /* K == 0: every row quantizes to the zero row */
    return run(&g);
}
