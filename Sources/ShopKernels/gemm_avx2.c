/* AVX2 GEMM. Weights are packed once as [panel of 8 columns][k/4][8 columns][4 k] int8 and serve
 * two exact micro-kernels, chosen per tile of rows:
 * - signed rows: activations and weights widened to int16, vpmaddwd + vpaddd (a pair sum is at
 *   most 2 * 128 * 128: no saturation). The weights of 4 columns x 4 k widen into one ymm; the
 *   product with 4 broadcast activations holds two partial sums per column, added pairwise in the
 *   epilogue. Tile: 6 rows x 8 columns (12 accumulators, 2 weight vectors, broadcast, product).
 * - rows whose values are all in 0..127 (a layer after ReLU): vpmaddubsw (unsigned activation x
 *   signed weight: a pair sum is within +-2 * 127 * 128 < 32768, so it never saturates), then
 *   vpmaddwd with ones and vpaddd: the same multiplier work per 32 multiply-accumulates but one add
 *   instead of two and no widening, what lets onnxruntime's u8s8 kernel run faster (it applies it
 *   to all values and can saturate; here it is only used where it is exact). Tile: 6 rows x 16.
 * 1-2 row tiles (GEMV) take 4 panels. Cache blocking: a chunk of rows is prepared once (copied
 * and zero padded, widened for the rows that need it), then walked against blocks of panels that
 * fit in L2. */
#include "internal.h"
#include "vecmath.h"

#define MR 6
#define NP_MAX 4 /* panels of a 1- or 2-row tile (GEMV) */

typedef struct tile_ctx {
    const int16_t *a16;   /* MR rows of k_pad int16, zero padded (signed tiles) */
    const uint8_t *a8;    /* MR rows of k_pad bytes in 0..127, zero padded (unsigned tiles) */
    size_t k_pad;
    const uint8_t *w;     /* first panel of the tile */
    size_t panel_bytes;   /* bytes between consecutive panels */
    size_t groups;        /* k_pad / 4 */
    size_t row0, col0, n; /* absolute position of the tile, number of output columns */
    const float *a_scale; /* MR scales (float path) */
    const shop__epilogue *ep;
} tile_ctx;

/* Stores (or dequantizes and stores) one 8-column vector of row r, panel j of the tile. */
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

/* The general epilogue, kept out of line so the tiles' hot loops carry none of its constants. */
SHOP_TARGET_AVX2 __attribute__((noinline)) static void store_tile(const tile_ctx *t, int rows, int panels,
                                                                 const __m256i *out) {
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) store8(t, r, j, out[r * NP_MAX + j]);
}

/* Full-width float epilogue with the activation as a compile-time constant after inlining: the
 * column scales and bias are loaded once per panel, not once per row. */
SHOP_TARGET_AVX2 SHOP_INLINE void dequant_full(const tile_ctx *t, int rows, int panels, const __m256i *out,
                                               const shop_activation act) {
    const shop__epilogue *ep = t->ep;
    for (int j = 0; j < panels; j++) {
        const size_t col = t->col0 + (size_t)j * 8;
        const __m256 ws = _mm256_loadu_ps(ep->w_scales + col);
        const __m256 bias = ep->bias ? _mm256_loadu_ps(ep->bias + col) : _mm256_setzero_ps();
        for (int r = 0; r < rows; r++) {
            __m256 y = shop__finish8(out[r * NP_MAX + j], _mm256_set1_ps(t->a_scale[r]), ws,
                                     ep->bias ? &bias : NULL, act);
            _mm256_storeu_ps(ep->cf + (t->row0 + (size_t)r) * ep->ldc + col, y);
        }
    }
}

SHOP_TARGET_AVX2 __attribute__((noinline)) static void store_tile_f32(const tile_ctx *t, int rows, int panels,
                                                                     const __m256i *out) {
    switch (t->ep->act) {
    case SHOP_ACT_NONE: dequant_full(t, rows, panels, out, SHOP_ACT_NONE); break;
    case SHOP_ACT_RELU: dequant_full(t, rows, panels, out, SHOP_ACT_RELU); break;
    case SHOP_ACT_SIGMOID: dequant_full(t, rows, panels, out, SHOP_ACT_SIGMOID); break;
    case SHOP_ACT_TANH: dequant_full(t, rows, panels, out, SHOP_ACT_TANH); break;
    }
}

/* Tile results out[r * NP_MAX + j]: raw int32 rows of full width go straight to C. */
SHOP_TARGET_AVX2 SHOP_INLINE void finish_tile(const tile_ctx *t, const int rows, const int panels,
                                              const __m256i *out) {
    const shop__epilogue *ep = t->ep;
    const bool full = t->col0 + (size_t)panels * 8 <= t->n;
    if (ep->c32 && full) {
        int32_t *dst = ep->c32 + t->row0 * ep->ldc + t->col0;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < panels; j++)
                _mm256_storeu_si256((__m256i *)(dst + (size_t)r * ep->ldc + (size_t)j * 8), out[r * NP_MAX + j]);
    } else if (full) {
        store_tile_f32(t, rows, panels, out);
    } else {
        store_tile(t, rows, panels, out);
    }
}

/* Signed tile of `rows` x `panels` (compile-time constants after inlining). acc[r][j][h] holds
 * columns 4h..4h+3 of panel j, two partial sums per column (k mod 4 in {0,1} and {2,3}). */
SHOP_TARGET_AVX2 SHOP_INLINE void tile_s16(const tile_ctx *t, const int rows, const int panels) {
    __m256i acc[MR][NP_MAX][2];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) acc[r][j][0] = acc[r][j][1] = _mm256_setzero_si256();
    const uint8_t *w = t->w;
    for (size_t g = 0; g < t->groups; g++) {
        __m256i wv[NP_MAX][2];
        for (int j = 0; j < panels; j++) {
            const uint8_t *p = w + (size_t)j * t->panel_bytes + g * 32;
            wv[j][0] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
            wv[j][1] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 16)));
        }
        for (int r = 0; r < rows; r++) {
            int64_t quad;
            memcpy(&quad, t->a16 + (size_t)r * t->k_pad + 4 * g, 8);
            __m256i av = _mm256_set1_epi64x(quad);
            for (int j = 0; j < panels; j++)
                for (int h = 0; h < 2; h++)
                    acc[r][j][h] = _mm256_add_epi32(acc[r][j][h], _mm256_madd_epi16(av, wv[j][h]));
        }
    }
    __m256i out[MR * NP_MAX];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) {
            /* hadd: [c0 c1 c4 c5 | c2 c3 c6 c7]; the permute puts the columns in order. */
            __m256i s = _mm256_hadd_epi32(acc[r][j][0], acc[r][j][1]);
            out[r * NP_MAX + j] = _mm256_permute4x64_epi64(s, 0xD8);
        }
    finish_tile(t, rows, panels, out);
}

/* Unsigned tile: activations in 0..127 as the unsigned operand of vpmaddubsw. */
SHOP_TARGET_AVX2 SHOP_INLINE void tile_u8(const tile_ctx *t, const int rows, const int panels) {
    __m256i acc[MR][NP_MAX];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) acc[r][j] = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi16(1);
    const uint8_t *w = t->w;
    for (size_t g = 0; g < t->groups; g++) {
        __m256i wv[NP_MAX];
        for (int j = 0; j < panels; j++)
            wv[j] = _mm256_loadu_si256((const __m256i *)(w + (size_t)j * t->panel_bytes + g * 32));
        for (int r = 0; r < rows; r++) {
            int32_t quad;
            memcpy(&quad, t->a8 + (size_t)r * t->k_pad + 4 * g, 4);
            __m256i av = _mm256_set1_epi32(quad);
            for (int j = 0; j < panels; j++)
                acc[r][j] = _mm256_add_epi32(
                    acc[r][j], _mm256_madd_epi16(_mm256_maddubs_epi16(av, wv[j]), ones));
        }
    }
    __m256i out[MR * NP_MAX];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < panels; j++) out[r * NP_MAX + j] = acc[r][j];
    finish_tile(t, rows, panels, out);
}

#define TILE_S(R, P) \
    case (R) * 8 + (P): tile_s16(t, R, P); break;
#define TILE_U(R, P) \
    case (R) * 8 + (P): tile_u8(t, R, P); break;

SHOP_TARGET_AVX2 static void run_tile(const tile_ctx *t, bool unsigned_rows, int rows, int panels) {
    if (unsigned_rows) {
        switch (rows * 8 + panels) {
            TILE_U(1, 1) TILE_U(1, 2) TILE_U(1, 3) TILE_U(1, 4)
            TILE_U(2, 1) TILE_U(2, 2) TILE_U(2, 3) TILE_U(2, 4)
            TILE_U(3, 1) TILE_U(3, 2) TILE_U(4, 1) TILE_U(4, 2)
            TILE_U(5, 1) TILE_U(5, 2) TILE_U(6, 1) TILE_U(6, 2)
        }
        return;
    }
    switch (rows * 8 + panels) {
        TILE_S(1, 1) TILE_S(1, 2) TILE_S(1, 3) TILE_S(1, 4)
        TILE_S(2, 1) TILE_S(2, 2) TILE_S(3, 1) TILE_S(4, 1)
        TILE_S(5, 1) TILE_S(6, 1)
    }
}

/* Panels per tile: GEMV tiles are wider; a signed tile of 3+ rows has one panel (register budget). */
SHOP_INLINE size_t tile_panels(bool unsigned_rows, int rows) {
    if (rows <= 2) return unsigned_rows ? NP_MAX : (rows == 1 ? NP_MAX : 2);
    return unsigned_rows ? 2 : 1;
}

/* Copies k int8 values zero-padded to k_pad (src may equal dst); returns whether all are >= 0. */
SHOP_TARGET_AVX2 static bool copy_row(const int8_t *src, size_t k, size_t k_pad, uint8_t *dst) {
    __m256i neg = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= k; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(src + i));
        neg = _mm256_or_si256(neg, v);
        _mm256_storeu_si256((__m256i *)(dst + i), v);
    }
    bool nonneg = _mm256_movemask_epi8(neg) == 0;
    for (; i < k; i++) {
        nonneg = nonneg && src[i] >= 0;
        dst[i] = (uint8_t)src[i];
    }
    for (; i < k_pad; i++) dst[i] = 0;
    return nonneg;
}

/* Sign-extends k_pad int8 values (already zero padded) to int16. */
SHOP_TARGET_AVX2 static void widen(const uint8_t *src, size_t k_pad, int16_t *dst) {
    size_t i = 0;
    for (; i + 16 <= k_pad; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i),
                            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < k_pad; i++) dst[i] = (int8_t)src[i];
}

#define CHUNK_BYTES (192 * 1024) /* activation rows prepared at once (int8 + int16 copies) */
#define BLOCK_BYTES (192 * 1024) /* packed weights walked per row chunk (fits L2) */

SHOP_TARGET_AVX2 int shop__gemm_avx2(const shop__gemm_args *g) {
    const size_t n = g->w->n, k = g->w->k, k_pad = g->w->k_pad, panels = g->w->panels;
    const size_t groups = k_pad / SHOP_AVX2_KG, panel_bytes = groups * SHOP_AVX2_KG * SHOP_AVX2_PANEL;
    size_t chunk = k_pad ? CHUNK_BYTES / (3 * k_pad) : 256;
    chunk = chunk > 256 ? 256 : chunk;
    chunk = chunk < MR ? MR : chunk / MR * MR; /* whole tiles: tile_unsigned has chunk / MR entries */
    size_t block = panel_bytes ? BLOCK_BYTES / panel_bytes / NP_MAX * NP_MAX : panels;
    block = block < NP_MAX ? NP_MAX : block;
    const size_t tiles = chunk / MR;
    uint8_t *scratch = shop__scratch(chunk * k_pad * 3 + chunk * sizeof(float) + tiles + 64);
    if (!scratch) return SHOP_ENOMEM;
    int16_t *a16 = (int16_t *)scratch;
    uint8_t *a8 = scratch + chunk * k_pad * 2;
    float *a_scale = (float *)(a8 + chunk * k_pad);
    bool *tile_unsigned = (bool *)(a_scale + chunk);
    tile_ctx t = {.k_pad = k_pad, .panel_bytes = panel_bytes, .groups = groups, .n = n, .ep = &g->ep};
    for (size_t c0 = 0; c0 < g->m; c0 += chunk) {
        const size_t rows_c = shop__min(chunk, g->m - c0);
        for (size_t i = 0; i < rows_c; i += MR) {
            const size_t rows = shop__min(MR, rows_c - i);
            bool nonneg = true;
            for (size_t r = i; r < i + rows; r++) {
                uint8_t *row = a8 + r * k_pad;
                const int8_t *src = (const int8_t *)row; /* fused path: quantized in place */
                if (g->x) {
                    shop__quantize_row_avx2(k, g->x + (c0 + r) * g->ldx, (int8_t *)row, &a_scale[r], NULL);
                } else {
                    src = k ? g->a + (c0 + r) * g->lda : NULL;
                    a_scale[r] = g->ep.a_scales ? g->ep.a_scales[c0 + r] : 0.0f;
                }
                nonneg &= copy_row(src, k, k_pad, row);
            }
            tile_unsigned[i / MR] = nonneg;
            if (!nonneg)
                for (size_t r = i; r < i + rows; r++) widen(a8 + r * k_pad, k_pad, a16 + r * k_pad);
        }
        for (size_t pb = 0; pb < panels; pb += block) {
            const size_t pe = shop__min(panels, pb + block);
            for (size_t i = 0; i < rows_c; i += MR) {
                const int rows = (int)shop__min(MR, rows_c - i);
                const bool u = tile_unsigned[i / MR];
                t.a16 = a16 + i * k_pad;
                t.a8 = a8 + i * k_pad;
                t.a_scale = a_scale + i;
                t.row0 = c0 + i;
                const size_t np = tile_panels(u, rows);
                for (size_t p0 = pb; p0 < pe; p0 += np) {
                    t.w = (const uint8_t *)g->w + SHOP_PACK_HEADER + p0 * panel_bytes;
                    t.col0 = p0 * SHOP_AVX2_PANEL;
                    run_tile(&t, u, rows, (int)shop__min(np, pe - p0));
                }
            }
        }
    }
    return SHOP_OK;
}
