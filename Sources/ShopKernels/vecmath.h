/* Vector versions of shop__expf_scalar and the epilogue activations: the same operations in the
 * same order, so results are bit-identical to the scalar reference. */
#ifndef SHOP_KERNELS_VECMATH_H
#define SHOP_KERNELS_VECMATH_H

#include "internal.h"

#include <immintrin.h>

SHOP_TARGET_AVX2 SHOP_INLINE __m256 shop__exp8(__m256 x) {
    x = _mm256_min_ps(x, _mm256_set1_ps(SHOP_EXP_HI));
    x = _mm256_max_ps(x, _mm256_set1_ps(SHOP_EXP_LO));
    __m256 fx = _mm256_floor_ps(
        _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(SHOP_LOG2E)), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(fx, _mm256_set1_ps(SHOP_LN2_HI)));
    r = _mm256_sub_ps(r, _mm256_mul_ps(fx, _mm256_set1_ps(SHOP_LN2_LO)));
    __m256 z = _mm256_mul_ps(r, r);
    __m256 y = _mm256_set1_ps(SHOP_EXP_P0);
    y = _mm256_add_ps(_mm256_mul_ps(y, r), _mm256_set1_ps(SHOP_EXP_P1));
    y = _mm256_add_ps(_mm256_mul_ps(y, r), _mm256_set1_ps(SHOP_EXP_P2));
    y = _mm256_add_ps(_mm256_mul_ps(y, r), _mm256_set1_ps(SHOP_EXP_P3));
    y = _mm256_add_ps(_mm256_mul_ps(y, r), _mm256_set1_ps(SHOP_EXP_P4));
    y = _mm256_add_ps(_mm256_mul_ps(y, r), _mm256_set1_ps(SHOP_EXP_P5));
    y = _mm256_add_ps(_mm256_mul_ps(y, z), r);
    y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

/* shop__tanhf_scalar for 8 lanes: both branches on |x|, a select, then x's sign (same operations,
 * same order). */
SHOP_TARGET_AVX2 SHOP_INLINE __m256 shop__tanh8(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 a = _mm256_andnot_ps(sign, x);
    __m256 e = shop__exp8(_mm256_add_ps(a, a));
    __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                               _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    __m256 z = _mm256_mul_ps(a, a);
    __m256 p = _mm256_set1_ps(SHOP_TANH_P0);
    p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(SHOP_TANH_P1));
    p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(SHOP_TANH_P2));
    p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(SHOP_TANH_P3));
    p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(SHOP_TANH_P4));
    __m256 small = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(p, z), a), a);
    __m256 is_small = _mm256_cmp_ps(a, _mm256_set1_ps(SHOP_TANH_SMALL), _CMP_LT_OQ);
    __m256 r = _mm256_blendv_ps(big, small, is_small);
    return _mm256_or_ps(_mm256_andnot_ps(sign, r), _mm256_and_ps(sign, x));
}

/* acc (int32) -> act(acc * (a_scale * w_scale) + bias) for 8 columns; w_scale/bias already loaded. */
SHOP_TARGET_AVX2 SHOP_INLINE __m256 shop__finish8(__m256i acc, __m256 a_scale, __m256 w_scale,
                                                  const __m256 *bias, shop_activation act) {
    __m256 y = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_mul_ps(a_scale, w_scale));
    if (bias) y = _mm256_add_ps(y, *bias);
    if (act == SHOP_ACT_RELU) {
        y = _mm256_max_ps(y, _mm256_setzero_ps());
    } else if (act == SHOP_ACT_SIGMOID) {
        __m256 e = shop__exp8(_mm256_xor_ps(y, _mm256_set1_ps(-0.0f)));
        y = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
    } else if (act == SHOP_ACT_TANH) {
        y = shop__tanh8(y);
    }
    return y;
}

SHOP_TARGET_VNNI SHOP_INLINE __m512 shop__exp16(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(SHOP_EXP_HI));
    x = _mm512_max_ps(x, _mm512_set1_ps(SHOP_EXP_LO));
    __m512 fx = _mm512_roundscale_ps(
        _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(SHOP_LOG2E)), _mm512_set1_ps(0.5f)),
        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(SHOP_LN2_HI)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(fx, _mm512_set1_ps(SHOP_LN2_LO)));
    __m512 z = _mm512_mul_ps(r, r);
    __m512 y = _mm512_set1_ps(SHOP_EXP_P0);
    y = _mm512_add_ps(_mm512_mul_ps(y, r), _mm512_set1_ps(SHOP_EXP_P1));
    y = _mm512_add_ps(_mm512_mul_ps(y, r), _mm512_set1_ps(SHOP_EXP_P2));
    y = _mm512_add_ps(_mm512_mul_ps(y, r), _mm512_set1_ps(SHOP_EXP_P3));
    y = _mm512_add_ps(_mm512_mul_ps(y, r), _mm512_set1_ps(SHOP_EXP_P4));
    y = _mm512_add_ps(_mm512_mul_ps(y, r), _mm512_set1_ps(SHOP_EXP_P5));
    y = _mm512_add_ps(_mm512_mul_ps(y, z), r);
    y = _mm512_add_ps(y, _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_slli_epi32(
        _mm512_add_epi32(_mm512_cvttps_epi32(fx), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(y, _mm512_castsi512_ps(bits));
}

SHOP_TARGET_VNNI SHOP_INLINE __m512 shop__tanh16(__m512 x) {
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512i xi = _mm512_castps_si512(x);
    __m512 a = _mm512_castsi512_ps(_mm512_andnot_si512(sign, xi));
    __m512 e = shop__exp16(_mm512_add_ps(a, a));
    __m512 big = _mm512_sub_ps(_mm512_set1_ps(1.0f),
                               _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f))));
    __m512 z = _mm512_mul_ps(a, a);
    __m512 p = _mm512_set1_ps(SHOP_TANH_P0);
    p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(SHOP_TANH_P1));
    p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(SHOP_TANH_P2));
    p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(SHOP_TANH_P3));
    p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(SHOP_TANH_P4));
    __m512 small = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(p, z), a), a);
    __mmask16 is_small = _mm512_cmp_ps_mask(a, _mm512_set1_ps(SHOP_TANH_SMALL), _CMP_LT_OQ);
    __m512i r = _mm512_castps_si512(_mm512_mask_blend_ps(is_small, big, small));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_andnot_si512(sign, r), _mm512_and_si512(sign, xi)));
}

SHOP_TARGET_VNNI SHOP_INLINE __m512 shop__finish16(__m512i acc, __m512 a_scale, __m512 w_scale,
                                                   const __m512 *bias, shop_activation act) {
    __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_mul_ps(a_scale, w_scale));
    if (bias) y = _mm512_add_ps(y, *bias);
    if (act == SHOP_ACT_RELU) {
        y = _mm512_max_ps(y, _mm512_setzero_ps());
    } else if (act == SHOP_ACT_SIGMOID) {
        __m512 e = shop__exp16(_mm512_castsi512_ps(
            _mm512_xor_si512(_mm512_castps_si512(y), _mm512_set1_epi32((int)0x80000000u))));
        y = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
    } else if (act == SHOP_ACT_TANH) {
        y = shop__tanh16(y);
    }
    return y;
}

#endif
