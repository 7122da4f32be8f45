/* Top-k selection with a bounded heap kept in the caller's output arrays. */
#include "internal.h"

/* Total order key of a float: -0 == +0, NaN canonicalized above +inf. */
SHOP_INLINE int32_t order_key(float x, bool largest) {
    uint32_t u;
    if (x == 0.0f) x = 0.0f;
    if (x != x) u = 0x7fc00000u;
    else memcpy(&u, &x, 4);
    int32_t s = (int32_t)u;
    s ^= (s >> 31) & 0x7fffffff;
    return largest ? s : ~s;
}

/* Entry i of the heap ranks better than entry j (higher key, then smaller index). */
SHOP_INLINE bool better(int32_t ki, int64_t ii, int32_t kj, int64_t ij) {
    return ki > kj || (ki == kj && ii < ij);
}

/* Restores the heap property (worst entry at the root) from position `at` down. */
static void sift_down(float *v, int64_t *idx, size_t size, size_t at, bool largest) {
    float val = v[at];
    int64_t id = idx[at];
    int32_t key = order_key(val, largest);
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= size) break;
        int32_t ck = order_key(v[child], largest);
        if (child + 1 < size) {
            int32_t rk = order_key(v[child + 1], largest);
            if (better(ck, idx[child], rk, idx[child + 1])) child++, ck = rk;
        }
        if (!better(key, id, ck, idx[child])) break;
        v[at] = v[child], idx[at] = idx[child];
        at = child;
    }
    v[at] = val, idx[at] = id;
}

long shop_topk_f32(size_t n, const float *x, size_t k, bool largest, float *values,
                   int64_t *indices) {
    size_t size = shop__min(k, n);
    if (size == 0) return 0;
    if (!x || !values || !indices) return SHOP_EINVAL;
    for (size_t i = 0; i < size; i++) values[i] = x[i], indices[i] = (int64_t)i;
    for (size_t i = size / 2; i-- > 0;) sift_down(values, indices, size, i, largest);
    int32_t worst = order_key(values[0], largest);
    for (size_t i = size; i < n; i++) {
        int32_t key = order_key(x[i], largest);
        if (key <= worst) continue; /* equal keys lose to the earlier (smaller) index */
        values[0] = x[i], indices[0] = (int64_t)i;
        sift_down(values, indices, size, 0, largest);
        worst = order_key(values[0], largest);
    }
    /* Heap sort: move the worst to the back repeatedly -> best first. */
    for (size_t end = size; end > 1; end--) {
        float tv = values[0];
        int64_t ti = indices[0];
        values[0] = values[end - 1], indices[0] = indices[end - 1];
        values[end - 1] = tv, indices[end - 1] = ti;
        sift_down(values, indices, end - 1, 0, largest);
    }
    return (long)size;
}
