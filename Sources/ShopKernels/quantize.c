/* Dynamic per-row activation quantization (F32 -> symmetric int8 + scale), one per variant. */
#include "internal.h"
#include "vecmath.h"

#include <math.h>

/* The per-element rule shared by every variant: clamp(round_half_even(x * inv), -127, 127). */
SHOP_INLINE int8_t quantize_one(float x, float inv) {
    float r = nearbyintf(x * inv);
    r = r < 127.0f ? r : 127.0f;
    r = r > -127.0f ? r : -127.0f;
    return (int8_t)(int32_t)r;
}

/* Scale and reciprocal from the row's max |x|; returns false for an all-zero row. */
SHOP_INLINE bool row_scale(float maxabs, float *scale, float *inv) {
    if (!(maxabs > 0.0f)) return false;
    *scale = maxabs / 127.0f;
    *inv = 127.0f / maxabs;
    return true;
}

SHOP_INLINE void zero_row(size_t k, int8_t *q, float *scale, int32_t *sum) {
    memset(q, 0, k);
    *scale = 0.0f;
    if (sum) *sum = 0;
}

void shop__quantize_row_scalar(size_t k, const float *x, int8_t *q, float *scale, int32_t *sum) {
    float maxabs = 0.0f, inv;
    for (size_t i = 0; i < k; i++) {
        float a = fabsf(x[i]);
        maxabs = a > maxabs ? a : maxabs;
    }
    if (!row_scale(maxabs, scale, &inv)) return zero_row(k, q, scale, sum);
    int32_t s = 0;
    for (size_t i = 0; i < k; i++) {
        q[i] = quantize_one(x[i], inv);
        s += q[i];
    }
    if (sum) *sum = s;
}

SHOP_TARGET_AVX2 void shop__quantize_row_avx2(size_t k, const float *x, int8_t *q, float *scale,
                                              int32_t *sum) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 vmax = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= k; i += 8) vmax = _mm256_max_ps(vmax, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
    /* Horizontal max by halves (max is exact and order-free on finite values). */
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float maxabs = _mm_cvtss_f32(m4), inv;
    for (; i < k; i++) {
        float a = fabsf(x[i]);
        maxabs = a > maxabs ? a : maxabs;
    }
    if (!row_scale(maxabs, scale, &inv)) return zero_row(k, q, scale, sum);
    const __m256 vinv = _mm256_set1_ps(inv), hi = _mm256_set1_ps(127.0f), lo = _mm256_set1_ps(-127.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i vsum = _mm256_setzero_si256();
    i = 0;
    for (; i + 32 <= k; i += 32) {
        __m256i v[4];
        for (int j = 0; j < 4; j++) {
            __m256 r = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i + 8 * j), vinv),
                                       _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            r = _mm256_max_ps(_mm256_min_ps(r, hi), lo);
            v[j] = _mm256_cvtps_epi32(r);
            vsum = _mm256_add_epi32(vsum, v[j]);
        }
        __m256i p16 = _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
        _mm256_storeu_si256((__m256i *)(q + i), _mm256_permutevar8x32_epi32(p16, order));
    }
    int32_t s_lanes[8], s = 0;
    _mm256_storeu_si256((__m256i *)s_lanes, vsum);
    for (int l = 0; l < 8; l++) s += s_lanes[l];
    for (; i < k; i++) {
        q[i] = quantize_one(x[i], inv);
        s += q[i];
    }
    if (sum) *sum = s;
}

SHOP_TARGET_VNNI void shop__quantize_row_vnni(size_t k, const float *x, int8_t *q, float *scale,
                                              int32_t *sum) {
    const __m512 abs_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
    __m512 vmax = _mm512_setzero_ps();
    for (size_t i = 0; i < k; i += 16) {
        __mmask16 m = k - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (k - i)) - 1);
        vmax = _mm512_max_ps(vmax, _mm512_and_ps(abs_mask, _mm512_maskz_loadu_ps(m, x + i)));
    }
    float inv;
    if (!row_scale(_mm512_reduce_max_ps(vmax), scale, &inv)) return zero_row(k, q, scale, sum);
    const __m512 vinv = _mm512_set1_ps(inv), hi = _mm512_set1_ps(127.0f), lo = _mm512_set1_ps(-127.0f);
    __m512i vsum = _mm512_setzero_si512();
    for (size_t i = 0; i < k; i += 16) {
        __mmask16 m = k - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (k - i)) - 1);
        __m512 r = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), vinv),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512i v = _mm512_cvtps_epi32(_mm512_max_ps(_mm512_min_ps(r, hi), lo));
        vsum = _mm512_add_epi32(vsum, v);
        _mm512_mask_cvtepi32_storeu_epi8(q + i, m, v);
    }
    if (sum) *sum = _mm512_reduce_add_epi32(vsum);
}

int shop_quantize_rows(size_t m, size_t k, const float *x, size_t ldx, int8_t *q, size_t ldq,
                       float *scales, int32_t *row_sums) {
    if (m == 0) return SHOP_OK;
    if (!scales || (k && (!x || !q || ldx < k || ldq < k))) return SHOP_EINVAL;
    shop_kernel_variant v = shop__variant();
    for (size_t i = 0; i < m; i++) {
        int32_t *sum = row_sums ? row_sums + i : NULL;
        const float *xi = x ? x + i * ldx : NULL;
        int8_t *qi = q ? q + i * ldq : NULL;
        if (k == 0) {
            scales[i] = 0.0f;
            if (sum) *sum = 0;
        } else if (v == SHOP_KERNEL_AVX512_VNNI) {
            shop__quantize_row_vnni(k, xi, qi, scales + i, sum);
        } else if (v == SHOP_KERNEL_AVX2) {
            shop__quantize_row_avx2(k, xi, qi, scales + i, sum);
        } else {
            shop__quantize_row_scalar(k, xi, qi, scales + i, sum);
        }
    }
    return SHOP_OK;
}
