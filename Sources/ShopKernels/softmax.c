/* Row-wise, numerically stable softmax using the library's exp. */
#include "internal.h"

#include <math.h>

int shop_softmax_rows_f32(size_t m, size_t n, const float *x, size_t ldx, float *y, size_t ldy) {
    if (m == 0 || n == 0) return SHOP_OK;
    if (!x || !y || ldx < n || ldy < n) return SHOP_EINVAL;
    for (size_t i = 0; i < m; i++) {
        const float *xi = x + i * ldx;
        float *yi = y + i * ldy;
        float max = -INFINITY;
        for (size_t j = 0; j < n; j++) max = xi[j] > max ? xi[j] : max;
        if (max == -INFINITY) {
            for (size_t j = 0; j < n; j++) yi[j] = 1.0f / (float)n;
            continue;
        }
        float sum = 0.0f;
        for (size_t j = 0; j < n; j++) {
            float e = shop__expf_scalar(xi[j] - max);
            yi[j] = e;
            sum = sum + e;
        }
        for (size_t j = 0; j < n; j++) yi[j] = yi[j] / sum;
    }
    return SHOP_OK;
}
