/* The library's exp: one sequence of float operations that every variant reproduces exactly. */
#include "internal.h"

#include <math.h>

float shop__expf_scalar(float x) {
    x = x < SHOP_EXP_HI ? x : SHOP_EXP_HI; /* same NaN behaviour as minps/maxps */
    x = x > SHOP_EXP_LO ? x : SHOP_EXP_LO;
    float fx = floorf(x * SHOP_LOG2E + 0.5f);
    float r = x - fx * SHOP_LN2_HI;
    r = r - fx * SHOP_LN2_LO;
    float z = r * r;
    float y = SHOP_EXP_P0;
    y = y * r + SHOP_EXP_P1;
    y = y * r + SHOP_EXP_P2;
    y = y * r + SHOP_EXP_P3;
    y = y * r + SHOP_EXP_P4;
    y = y * r + SHOP_EXP_P5;
    y = y * z + r;
    y = y + 1.0f;
    int32_t bits = ((int32_t)fx + 127) << 23;
    float pow2;
    memcpy(&pow2, &bits, sizeof pow2);
    return y * pow2;
}

float shop_expf(float x) { return shop__expf_scalar(x); }

/* tanh of |x| (both branches computed, one selected, exactly as the vector versions do), then
 * x's sign: odd by construction, and tanh(-0) = -0. */
float shop__tanhf_scalar(float x) {
    float a = fabsf(x);
    float e = shop__expf_scalar(a + a);
    float big = 1.0f - 2.0f / (e + 1.0f);
    float z = a * a;
    float p = SHOP_TANH_P0;
    p = p * z + SHOP_TANH_P1;
    p = p * z + SHOP_TANH_P2;
    p = p * z + SHOP_TANH_P3;
    p = p * z + SHOP_TANH_P4;
    float small = p * z * a + a;
    return copysignf(a < SHOP_TANH_SMALL ? small : big, x);
}

float shop_tanhf(float x) { return shop__tanhf_scalar(x); }
