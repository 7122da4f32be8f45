/* AVX-512 VNNI GEMM with vpdpbusd (unsigned x signed bytes, 4 per int32 lane).
 * vpdpbusd takes its memory-broadcast operand as the SIGNED side, so the activations stay int8
 * and are broadcast straight from memory, while the weights are packed as unsigned W + 128:
 *   sum_k (W + 128) * A = acc + 128 * sum_k A   ->   acc = dot - 128 * rowsum(A).
 * Both sums are exact in int32 for K <= SHOP_MAX_K. Micro-kernel: 8 rows x 2 panels of 16 columns
 * (16 zmm accumulators); for 1-2 rows (GEMV) 4 panels so enough independent chains are in flight.
 * Weights packed as [panel][k/4][16 cols][4] bytes. Cache blocking: a chunk of rows is prepared
 * once (pointers, compensation, scales), then walked against blocks of panels that fit in L2. */
#include "internal.h"
#include "vecmath.h"

#define MR 8
#define NP_MAX 4

typedef struct tile_ctx {
    const int8_t *const *a; /* MR row pointers; rows readable in whole 4-byte groups up to k_pad */
    const int32_t *comp;    /* MR values of 128 * rowsum */
    const uint8_t *w;
    size_t panel_bytes, groups;
    size_t row0, col0, n;
    const float *a_scale;
    const shop__epilogue *ep;
} tile_ctx;

SHOP_TARGET_VNNI SHOP_INLINE void store16(const tile_ctx *t, int r, int j, __m512i acc) {
    const shop__epilogue *ep = t->ep;
    size_t col = t->col0 + (size_t)j * 16, row = t->row0 + (size_t)r;
    size_t valid = shop__min(16, t->n - col);
    __mmask16 mask = valid == 16 ? (__mmask16)0xffff : (__mmask16)((1u << valid) - 1);
    acc = _mm512_sub_epi32(acc, _mm512_set1_epi32(t->comp[r]));
    if (ep->c32) {
        _mm512_mask_storeu_epi32(ep->c32 + row * ep->ldc + col, mask, acc);
        return;
    }
    __m512 ws = _mm512_maskz_loadu_ps(mask, ep->w_scales + col);
    __m512 bias = ep->bias ? _mm512_maskz_loadu_ps(mask, ep->bias + col) : _mm512_setzero_ps();
    __m512 y = shop__finish16(acc, _mm512_set1_ps(t->a_scale[r]), ws, ep->bias ? &bias : NULL, ep->act);
    _mm512_mask_storeu_ps(ep->cf + row * ep->ldc + col, mask, y);
}

SHOP_TARGET_VNNI SHOP_INLINE void tile(const tile_ctx *t, const int rows, const int panels) {
    __m512i acc[MR][NP_MAX];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) acc[r][j] = _mm512_setzero_si512();
    const uint8_t *w = t->w;
    for (size_t g = 0; g < t->groups; g++) {
        __m512i wv[NP_MAX];
        for (int j = 0; j < panels; j++)
            wv[j] = _mm512_loadu_si512((const void *)(w + (size_t)j * t->panel_bytes + g * 64));
        for (int r = 0; r < rows; r++) {
            int32_t quad;
            memcpy(&quad, t->a[r] + 4 * g, 4);
            __m512i av = _mm512_set1_epi32(quad);
            for (int j = 0; j < panels; j++) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], wv[j], av);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) store16(t, r, j, acc[r][j]);
}

#define TILE(R, P) \
    case (R) * 8 + (P): tile(t, R, P); break;

SHOP_TARGET_VNNI static void run_tile(const tile_ctx *t, int rows, int panels) {
    switch (rows * 8 + panels) {
        TILE(1, 1) TILE(1, 2) TILE(1, 3) TILE(1, 4)
        TILE(2, 1) TILE(2, 2) TILE(2, 3) TILE(2, 4)
        TILE(3, 1) TILE(3, 2) TILE(4, 1) TILE(4, 2)
        TILE(5, 1) TILE(5, 2) TILE(6, 1) TILE(6, 2)
        TILE(7, 1) TILE(7, 2) TILE(8, 1) TILE(8, 2)
    }
}

/* sum_k a[k] over k bytes. */
SHOP_TARGET_VNNI static int32_t row_sum(const int8_t *a, size_t k) {
    __m512i acc = _mm512_setzero_si512();
    const __m512i ones = _mm512_set1_epi8(1);
    for (size_t i = 0; i < k; i += 64) {
        __mmask64 m = k - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - i)) - 1);
        acc = _mm512_dpbusd_epi32(acc, ones, _mm512_maskz_loadu_epi8(m, a + i));
    }
    return _mm512_reduce_add_epi32(acc);
}

#define CHUNK_ROWS 128
#define BLOCK_BYTES (384 * 1024) /* packed weights walked per row chunk (fits L2) */

SHOP_TARGET_VNNI int shop__gemm_vnni(const shop__gemm_args *g) {
    const size_t n = g->w->n, k = g->w->k, k_pad = g->w->k_pad, panels = g->w->panels;
    const size_t groups = k_pad / SHOP_VNNI_KG, panel_bytes = groups * 64;
    /* Rows are copied (zero padded to k_pad) when quantized here or when K is not a multiple of 4
     * (the kernel reads whole 4-byte groups); otherwise the caller's rows are used in place. */
    const bool copy = g->x != NULL || k != k_pad;
    size_t chunk = CHUNK_ROWS;
    if (copy && k_pad > 1024) chunk = shop__min(CHUNK_ROWS, shop__round_up(128 * 1024 / k_pad, MR));
    size_t block = panel_bytes ? BLOCK_BYTES / panel_bytes / 4 * 4 : panels;
    block = block < 4 ? 4 : block;
    const size_t meta = chunk * (sizeof(const int8_t *) + sizeof(int32_t) + sizeof(float));
    uint8_t *scratch = shop__scratch(meta + (copy ? chunk * k_pad : 0) + 64);
    if (!scratch) return SHOP_ENOMEM;
    const int8_t **a_rows = (const int8_t **)scratch;
    int32_t *comp = (int32_t *)(a_rows + chunk);
    float *a_scale = (float *)(comp + chunk);
    int8_t *rows_buf = (int8_t *)(a_scale + chunk);
    tile_ctx t = {.panel_bytes = panel_bytes, .groups = groups, .n = n, .ep = &g->ep};
    for (size_t c0 = 0; c0 < g->m; c0 += chunk) {
        const size_t rows_c = shop__min(chunk, g->m - c0);
        for (size_t r = 0; r < rows_c; r++) {
            int8_t *dst = copy ? rows_buf + r * k_pad : NULL;
            if (g->x) {
                int32_t sum;
                shop__quantize_row_vnni(k, g->x + (c0 + r) * g->ldx, dst, &a_scale[r], &sum);
                memset(dst + k, 0, k_pad - k);
                a_rows[r] = dst;
                comp[r] = 128 * sum;
                continue;
            }
            const int8_t *src = k ? g->a + (c0 + r) * g->lda : NULL;
            a_scale[r] = g->ep.a_scales ? g->ep.a_scales[c0 + r] : 0.0f;
            if (copy) {
                memcpy(dst, src, k);
                memset(dst + k, 0, k_pad - k);
                src = dst;
            }
            a_rows[r] = src;
            comp[r] = 128 * row_sum(src, k);
        }
        for (size_t pb = 0; pb < panels; pb += block) {
            const size_t pe = shop__min(panels, pb + block);
            for (size_t i = 0; i < rows_c; i += MR) {
                const int rows = (int)shop__min(MR, rows_c - i);
                const size_t np = rows <= 2 ? 4 : 2;
                t.a = a_rows + i;
                t.comp = comp + i;
                t.a_scale = a_scale + i;
                t.row0 = c0 + i;
                for (size_t p0 = pb; p0 < pe; p0 += np) {
                    t.w = (const uint8_t *)g->w + SHOP_PACK_HEADER + p0 * panel_bytes;
                    t.col0 = p0 * SHOP_VNNI_PANEL;
                    run_tile(&t, rows, (int)shop__min(np, pe - p0));
                }
            }
        }
    }
    return SHOP_OK;
}
