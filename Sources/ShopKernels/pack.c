/* Weight packing: raw row-major int8 W[N x K] -> the layout each variant's GEMM kernel streams. */
#include "internal.h"

typedef struct layout {
    size_t panel, kg, elem; /* columns per panel, k per group, bytes per packed weight */
} layout;

static layout layout_of(shop_kernel_variant v) {
    switch (v) {
    case SHOP_KERNEL_AVX512_VNNI: return (layout){SHOP_VNNI_PANEL, SHOP_VNNI_KG, 1};
    case SHOP_KERNEL_AVX2: return (layout){SHOP_AVX2_PANEL, SHOP_AVX2_KG, 1};
    default: return (layout){1, 1, 1};
    }
}

size_t shop_packed_weights_size_for(shop_kernel_variant variant, size_t n, size_t k) {
    if (k > SHOP_MAX_K || (unsigned)variant > SHOP_KERNEL_AVX512_VNNI) return 0;
    layout l = layout_of(variant);
    size_t cols = shop__round_up(n, l.panel), bytes;
    if (cols < n) return 0;
    if (__builtin_mul_overflow(cols, shop__round_up(k, l.kg) * l.elem, &bytes)) return 0;
    if (__builtin_add_overflow(bytes, (size_t)SHOP_PACK_HEADER, &bytes)) return 0;
    return bytes;
}

size_t shop_packed_weights_size(size_t n, size_t k) {
    return shop_packed_weights_size_for(shop__variant(), n, k);
}

int shop_pack_weights_for(shop_kernel_variant variant, size_t n, size_t k, const int8_t *w,
                          size_t ldw, void *packed, size_t packed_size) {
    if (!shop_kernels_variant_supported(variant)) return SHOP_EUNSUPPORTED;
    size_t need = shop_packed_weights_size_for(variant, n, k);
    if (need == 0 || !packed || ((uintptr_t)packed & 7) || (n && k && (!w || ldw < k)))
        return SHOP_EINVAL;
    if (packed_size < need) return SHOP_ESIZE;
    layout l = layout_of(variant);
    size_t k_pad = shop__round_up(k, l.kg), panels = shop__round_up(n, l.panel) / l.panel;
    shop__packed_header h = {SHOP_PACK_MAGIC, (uint32_t)variant, n, k, k_pad, panels, {0, 0, 0}};
    memcpy(packed, &h, sizeof h);
    uint8_t *out = (uint8_t *)packed + SHOP_PACK_HEADER;
    size_t groups = k_pad / l.kg;
    for (size_t p = 0; p < panels; p++) {
        for (size_t g = 0; g < groups; g++) {
            for (size_t c = 0; c < l.panel; c++) {
                for (size_t kk = 0; kk < l.kg; kk++) {
                    size_t row = p * l.panel + c, col = g * l.kg + kk;
                    int8_t v = (row < n && col < k) ? w[row * ldw + col] : 0;
                    size_t at = ((p * groups + g) * l.panel + c) * l.kg + kk;
                    if (variant == SHOP_KERNEL_AVX512_VNNI) {
                        out[at] = (uint8_t)((uint8_t)v ^ 0x80u); /* v + 128 as unsigned */
                    } else {
                        out[at] = (uint8_t)v;
                    }
                }
            }
        }
    }
    return SHOP_OK;
}

int shop_pack_weights(size_t n, size_t k, const int8_t *w, size_t ldw, void *packed,
                      size_t packed_size) {
    return shop_pack_weights_for(shop__variant(), n, k, w, ldw, packed, packed_size);
}

const shop__packed_header *shop__packed(const void *packed) {
    if (!packed || ((uintptr_t)packed & 7)) return NULL;
    const shop__packed_header *h = packed;
    if (h->magic != SHOP_PACK_MAGIC || h->variant > SHOP_KERNEL_AVX512_VNNI || h->k > SHOP_MAX_K)
        return NULL;
    return h;
}

size_t shop_packed_weights_n(const void *packed) {
    const shop__packed_header *h = shop__packed(packed);
    return h ? h->n : 0;
}

size_t shop_packed_weights_k(const void *packed) {
    const shop__packed_header *h = shop__packed(packed);
    return h ? h->k : 0;
}

shop_kernel_variant shop_packed_weights_variant(const void *packed) {
    const shop__packed_header *h = shop__packed(packed);
    return h ? (shop_kernel_variant)h->variant : SHOP_KERNEL_SCALAR;
}
