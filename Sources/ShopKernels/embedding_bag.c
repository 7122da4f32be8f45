/* Embedding bag over int8 tables with per-row scales. The accumulation runs per dimension in entry
 * order, so the compiler's vectorization across dimensions (one body compiled per target) keeps
 * every variant bit-identical to the scalar one. */
#include "internal.h"

typedef struct bag_args {
    size_t dim;
    const int8_t *table;
    size_t ld_table;
    const float *row_scales;
    const int64_t *indices;
    const size_t *offsets;
    size_t bags;
    const float *weights;
    shop_bag_mode mode;
    float *out;
    size_t ld_out;
} bag_args;

SHOP_INLINE void bag_body(const bag_args *g) {
    for (size_t b = 0; b < g->bags; b++) {
        float *restrict out = g->out + b * g->ld_out;
        for (size_t d = 0; d < g->dim; d++) out[d] = 0.0f;
        size_t begin = g->offsets[b], end = g->offsets[b + 1];
        for (size_t e = begin; e < end; e++) {
            size_t row = (size_t)g->indices[e];
            float c = g->weights ? g->weights[e] * g->row_scales[row] : g->row_scales[row];
            const int8_t *restrict t = g->table + row * g->ld_table;
            for (size_t d = 0; d < g->dim; d++) out[d] = out[d] + c * (float)t[d];
        }
        if (g->mode == SHOP_BAG_MEAN && end > begin) {
            float count = (float)(end - begin);
            for (size_t d = 0; d < g->dim; d++) out[d] = out[d] / count;
        }
    }
}

static void bag_scalar(const bag_args *g) { bag_body(g); }
SHOP_TARGET_AVX2 static void bag_avx2(const bag_args *g) { bag_body(g); }
SHOP_TARGET_VNNI static void bag_avx512(const bag_args *g) { bag_body(g); }

int shop_embedding_bag(size_t rows, size_t dim, const int8_t *table, size_t ld_table,
                       const float *row_scales, const int64_t *indices, const size_t *offsets,
                       size_t bags, const float *per_sample_weights, shop_bag_mode mode,
                       float *out, size_t ld_out) {
    if (bags == 0) return SHOP_OK;
    if (!offsets || (unsigned)mode > SHOP_BAG_MEAN || (dim && (!out || ld_out < dim))) return SHOP_EINVAL;
    for (size_t b = 0; b < bags; b++)
        if (offsets[b + 1] < offsets[b]) return SHOP_EINVAL;
    size_t first = offsets[0], last = offsets[bags];
    if (last > first) {
        if (!indices || !row_scales || (dim && (!table || ld_table < dim))) return SHOP_EINVAL;
        for (size_t e = first; e < last; e++)
            if (indices[e] < 0 || (uint64_t)indices[e] >= rows) return SHOP_EINDEX;
    }
    if (dim == 0) return SHOP_OK;
    bag_args g = {dim, table, ld_table, row_scales, indices, offsets, bags, per_sample_weights,
                  mode, out, ld_out};
    switch (shop__variant()) {
    case SHOP_KERNEL_AVX512_VNNI: bag_avx512(&g); break;
    case SHOP_KERNEL_AVX2: bag_avx2(&g); break;
    default: bag_scalar(&g); break;
    }
    return SHOP_OK;
}
