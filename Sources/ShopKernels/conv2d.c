/* 2-D convolution, NHWC, as per-image quantization + im2col + the int8 GEMM. */
#include "internal.h"

#define CONV_CHUNK 256 /* output positions per GEMM call (bounds the im2col workspace) */

static size_t out_dim(size_t in, size_t pad, size_t kernel, size_t stride) {
    if (stride == 0 || kernel == 0 || in + 2 * pad < kernel) return 0;
    return (in + 2 * pad - kernel) / stride + 1;
}

size_t shop_conv2d_out_h(const shop_conv2d_shape *s) {
    return s ? out_dim(s->in_h, s->pad_h, s->kernel_h, s->stride_h) : 0;
}

size_t shop_conv2d_out_w(const shop_conv2d_shape *s) {
    return s ? out_dim(s->in_w, s->pad_w, s->kernel_w, s->stride_w) : 0;
}

typedef struct conv_layout {
    size_t image, k, rows;             /* elements per input image, GEMM K, output positions/image */
    size_t q_off, scales_off, col_off, col_scales_off, total;
} conv_layout;

static bool layout_of(const shop_conv2d_shape *s, conv_layout *l) {
    if (!s || shop_conv2d_out_h(s) == 0 || shop_conv2d_out_w(s) == 0 || s->in_c == 0) return false;
    size_t image, k, rows, q, col, total;
    if (__builtin_mul_overflow(s->in_h * s->in_w, s->in_c, &image) || s->in_h > SIZE_MAX / (s->in_w ? s->in_w : 1))
        return false;
    if (__builtin_mul_overflow(s->kernel_h * s->kernel_w, s->in_c, &k) || k > SHOP_MAX_K) return false;
    rows = shop_conv2d_out_h(s) * shop_conv2d_out_w(s);
    if (__builtin_mul_overflow(image, s->batch, &q)) return false;
    col = (size_t)CONV_CHUNK * k;
    l->image = image, l->k = k, l->rows = rows;
    l->q_off = 0;
    l->scales_off = shop__round_up(q, 16);
    l->col_off = l->scales_off + shop__round_up(s->batch * sizeof(float), 16);
    l->col_scales_off = l->col_off + shop__round_up(col, 16);
    total = l->col_scales_off + CONV_CHUNK * sizeof(float) + 16; /* +16: realignment slack */
    if (total < q) return false;
    l->total = total;
    return true;
}

size_t shop_conv2d_workspace_size(const shop_conv2d_shape *shape) {
    conv_layout l;
    return layout_of(shape, &l) ? l.total : 0;
}

/* Gathers the patches of output positions [pos0, pos0 + count) of one quantized image. */
static void im2col(const shop_conv2d_shape *s, const int8_t *img, size_t pos0, size_t count,
                   int8_t *col, size_t k) {
    size_t ow = shop_conv2d_out_w(s);
    for (size_t p = 0; p < count; p++) {
        size_t oy = (pos0 + p) / ow, ox = (pos0 + p) % ow;
        int8_t *dst = col + p * k;
        for (size_t ky = 0; ky < s->kernel_h; ky++) {
            for (size_t kx = 0; kx < s->kernel_w; kx++, dst += s->in_c) {
                size_t iy = oy * s->stride_h + ky, ix = ox * s->stride_w + kx; /* padded coords */
                if (iy < s->pad_h || ix < s->pad_w || iy - s->pad_h >= s->in_h || ix - s->pad_w >= s->in_w) {
                    memset(dst, 0, s->in_c);
                } else {
                    memcpy(dst, img + ((iy - s->pad_h) * s->in_w + (ix - s->pad_w)) * s->in_c, s->in_c);
                }
            }
        }
    }
}

int shop_conv2d_nhwc_f32(const shop_conv2d_shape *s, const float *input, const void *packed_w,
                         const float *w_scales, const float *bias, shop_activation act,
                         void *workspace, size_t workspace_size, float *output) {
    conv_layout l;
    if (!layout_of(s, &l)) return SHOP_EINVAL;
    if (s->batch == 0 || s->out_c == 0) return SHOP_OK;
    if (!input || !output || !w_scales || !workspace) return SHOP_EINVAL;
    if (workspace_size < l.total) return SHOP_ESIZE;
    if (!shop__packed(packed_w)) return SHOP_EPACKED;
    if (shop_packed_weights_n(packed_w) != s->out_c || shop_packed_weights_k(packed_w) != l.k)
        return SHOP_EINVAL;
    uint8_t *base = (uint8_t *)shop__round_up((uintptr_t)workspace, 16);
    int8_t *q = (int8_t *)(base + l.q_off), *col = (int8_t *)(base + l.col_off);
    float *scales = (float *)(base + l.scales_off), *col_scales = (float *)(base + l.col_scales_off);
    int rc = shop_quantize_rows(s->batch, l.image, input, l.image, q, l.image, scales, NULL);
    if (rc != SHOP_OK) return rc;
    for (size_t b = 0; b < s->batch; b++) {
        for (size_t i = 0; i < CONV_CHUNK; i++) col_scales[i] = scales[b];
        for (size_t pos0 = 0; pos0 < l.rows; pos0 += CONV_CHUNK) {
            size_t count = shop__min(CONV_CHUNK, l.rows - pos0);
            im2col(s, q + b * l.image, pos0, count, col, l.k);
            float *dst = output + (b * l.rows + pos0) * s->out_c;
            rc = shop_gemm_s8s8_f32(count, col, l.k, col_scales, packed_w, w_scales, bias, act, dst,
                                    s->out_c);
            if (rc != SHOP_OK) return rc;
        }
    }
    return SHOP_OK;
}
