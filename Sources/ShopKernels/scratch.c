/* Per-thread scratch memory for kernels that need a small temporary (quantized row blocks). */
#include "internal.h"

#include <stdlib.h>

static _Thread_local void *shop_scratch_buf;
static _Thread_local size_t shop_scratch_cap;

void *shop__scratch(size_t bytes) {
    if (bytes <= shop_scratch_cap) return shop_scratch_buf;
    size_t cap = shop__round_up(bytes < 4096 ? 4096 : bytes, 64);
    void *p = aligned_alloc(64, cap);
    if (!p) return NULL;
    free(shop_scratch_buf);
    shop_scratch_buf = p;
    shop_scratch_cap = cap;
    return p;
}
