/* AVX2 GEMM: int8 activations and weights widened to int16, vpmaddwd + vpaddd (exact: a pair
 * sum is at most 2 * 128 * 128, no saturation; vpmaddubsw would saturate). Weights stay int8 in
 * memory, packed as [panel][k/2][8 cols][2], and are widened on load (vpmovsxbw, once per tile);
 * activations are widened once per row block. Micro-kernel: 6 rows x 2 panels of 8 columns, k two
 * at a time: 12 accumulators + 2 weight vectors + the broadcast + the product fill the 16 ymm
 * registers exactly (4 x 3 needed 17 and spilled once per k step: ~30% slower); 1-2 row tiles
 * (GEMV) take 4 panels. Cache blocking: a chunk of rows (about 128 KiB of int16) is prepared once,
 * then walked against blocks of panels that fit in L2. */
#include "internal.h"
#include "vecmath.h"

#define MR 6
#define NP_MAX 4 /* panels of a 1- or 2-row tile (GEMV); 2 otherwise */

typedef struct tile_ctx {
    const int16_t *a16;   /* MR rows of k_pad int16, zero padded */
    size_t k_pad;
    const uint8_t *w;     /* first panel of the tile */
    size_t panel_bytes;   /* bytes between consecutive panels */
    size_t groups;        /* k_pad / 2 */
    size_t row0, col0, n; /* absolute position of the tile, number of output columns */
    const float *a_scale; /* MR scales (float path) */
    const shop__epilogue *ep;
} tile_ctx;

SHOP_TARGET_AVX2 SHOP_INLINE void store8(const tile_ctx *t, int r, int j, __m256i acc) {
    const shop__epilogue *ep = t->ep;
    size_t col = t->col0 + (size_t)j * 8, row = t->row0 + (size_t)r;
    size_t valid = shop__min(8, t->n - col);
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid),
                                      _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    if (ep->c32) {
        int32_t *dst = ep->c32 + row * ep->ldc + col;
        if (valid == 8) _mm256_storeu_si256((__m256i *)dst, acc);
        else _mm256_maskstore_epi32((int *)dst, mask, acc);
        return;
    }
    float *dst = ep->cf + row * ep->ldc + col;
    __m256 ws, bias;
    if (valid == 8) {
        ws = _mm256_loadu_ps(ep->w_scales + col);
        if (ep->bias) bias = _mm256_loadu_ps(ep->bias + col);
    } else {
        ws = _mm256_maskload_ps(ep->w_scales + col, mask);
        if (ep->bias) bias = _mm256_maskload_ps(ep->bias + col, mask);
    }
    __m256 y = shop__finish8(acc, _mm256_set1_ps(t->a_scale[r]), ws, ep->bias ? &bias : NULL, ep->act);
    if (valid == 8) _mm256_storeu_ps(dst, y);
    else _mm256_maskstore_ps(dst, mask, y);
}

/* One tile of `rows` x `panels`; both are compile-time constants after inlining. */
SHOP_TARGET_AVX2 SHOP_INLINE void tile(const tile_ctx *t, const int rows, const int panels) {
    __m256i acc[MR][NP_MAX];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) acc[r][j] = _mm256_setzero_si256();
    const uint8_t *w = t->w;
    for (size_t g = 0; g < t->groups; g++) {
        __m256i wv[NP_MAX];
        for (int j = 0; j < panels; j++)
            wv[j] = _mm256_cvtepi8_epi16(
                _mm_loadu_si128((const __m128i *)(w + (size_t)j * t->panel_bytes + g * 16)));
        for (int r = 0; r < rows; r++) {
            int32_t pair;
            memcpy(&pair, t->a16 + (size_t)r * t->k_pad + 2 * g, 4);
            __m256i av = _mm256_set1_epi32(pair);
            for (int j = 0; j < panels; j++)
                acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(av, wv[j]));
        }
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) store8(t, r, j, acc[r][j]);
}

#define TILE(R, P) \
    case (R) * 8 + (P): tile(t, R, P); break;

SHOP_TARGET_AVX2 static void run_tile(const tile_ctx *t, int rows, int panels) {
    switch (rows * 8 + panels) {
        TILE(1, 1) TILE(1, 2) TILE(1, 3) TILE(1, 4)
        TILE(2, 1) TILE(2, 2) TILE(2, 3) TILE(2, 4)
        TILE(3, 1) TILE(3, 2) TILE(4, 1) TILE(4, 2)
        TILE(5, 1) TILE(5, 2) TILE(6, 1) TILE(6, 2)
    }
}

/* Sign-extends k int8 values to int16 and zero-pads to k_pad. */
SHOP_TARGET_AVX2 static void widen(const int8_t *src, size_t k, size_t k_pad, int16_t *dst) {
    size_t i = 0;
    for (; i + 16 <= k; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i),
                            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < k; i++) dst[i] = src[i];
    for (; i < k_pad; i++) dst[i] = 0;
}

#define CHUNK_BYTES (128 * 1024) /* int16 activation rows prepared at once */
#define BLOCK_BYTES (192 * 1024) /* packed weights walked per row chunk (fits L2) */

SHOP_TARGET_AVX2 int shop__gemm_avx2(const shop__gemm_args *g) {
    const size_t n = g->w->n, k = g->w->k, k_pad = g->w->k_pad, panels = g->w->panels;
    const size_t groups = k_pad / SHOP_AVX2_KG, panel_bytes = groups * 16;
    size_t chunk = k_pad ? CHUNK_BYTES / (2 * k_pad) / MR * MR : 256;
    chunk = chunk < MR ? MR : (chunk > 256 ? 256 : chunk);
    size_t block = panel_bytes ? BLOCK_BYTES / panel_bytes / NP_MAX * NP_MAX : panels;
    block = block < NP_MAX ? NP_MAX : block;
    uint8_t *scratch = shop__scratch(chunk * k_pad * 2 + chunk * sizeof(float) + k + 64);
    if (!scratch) return SHOP_ENOMEM;
    int16_t *a16 = (int16_t *)scratch;
    float *a_scale = (float *)(scratch + chunk * k_pad * 2);
    int8_t *q8 = (int8_t *)(a_scale + chunk);
    tile_ctx t = {.k_pad = k_pad, .panel_bytes = panel_bytes, .groups = groups, .n = n, .ep = &g->ep};
    for (size_t c0 = 0; c0 < g->m; c0 += chunk) {
        const size_t rows_c = shop__min(chunk, g->m - c0);
        for (size_t r = 0; r < rows_c; r++) {
            const int8_t *src;
            if (g->x) {
                shop__quantize_row_avx2(k, g->x + (c0 + r) * g->ldx, q8, &a_scale[r], NULL);
                src = q8;
            } else {
                src = k ? g->a + (c0 + r) * g->lda : NULL;
                a_scale[r] = g->ep.a_scales ? g->ep.a_scales[c0 + r] : 0.0f;
            }
            widen(src, k, k_pad, a16 + r * k_pad);
        }
        for (size_t pb = 0; pb < panels; pb += block) {
            const size_t pe = shop__min(panels, pb + block);
            for (size_t i = 0; i < rows_c; i += MR) {
                const int rows = (int)shop__min(MR, rows_c - i);
                t.a16 = a16 + i * k_pad;
                t.a_scale = a_scale + i;
                t.row0 = c0 + i;
                const size_t np = rows <= 2 ? NP_MAX : 2;
                for (size_t p0 = pb; p0 < pe; p0 += np) {
                    t.w = (const uint8_t *)g->w + SHOP_PACK_HEADER + p0 * panel_bytes;
                    t.col0 = p0 * SHOP_AVX2_PANEL;
                    run_tile(&t, rows, (int)shop__min(np, pe - p0));
                }
            }
        }
    }
    return SHOP_OK;
}
