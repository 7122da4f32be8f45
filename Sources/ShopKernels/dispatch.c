/* Runtime CPU dispatch: detect once, allow tests to force a variant. */
#include "internal.h"

#include <stdatomic.h>

static _Atomic int shop_best = -1;
static _Atomic int shop_forced = -1;

static int detect(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vnni"))
        return SHOP_KERNEL_AVX512_VNNI;
    if (__builtin_cpu_supports("avx2")) return SHOP_KERNEL_AVX2;
#endif
    return SHOP_KERNEL_SCALAR;
}

shop_kernel_variant shop_kernels_best_variant(void) {
    int best = atomic_load_explicit(&shop_best, memory_order_acquire);
    if (best < 0) {
        best = detect(); /* idempotent: racing first callers compute the same value */
        atomic_store_explicit(&shop_best, best, memory_order_release);
    }
    return (shop_kernel_variant)best;
}

shop_kernel_variant shop__variant(void) {
    int forced = atomic_load_explicit(&shop_forced, memory_order_relaxed);
    return forced >= 0 ? (shop_kernel_variant)forced : shop_kernels_best_variant();
}

shop_kernel_variant shop_kernels_active_variant(void) { return shop__variant(); }

bool shop_kernels_variant_supported(shop_kernel_variant variant) {
    switch (variant) {
    case SHOP_KERNEL_SCALAR: return true;
    case SHOP_KERNEL_AVX2: return shop_kernels_best_variant() >= SHOP_KERNEL_AVX2;
    case SHOP_KERNEL_AVX512_VNNI: return shop_kernels_best_variant() >= SHOP_KERNEL_AVX512_VNNI;
    }
    return false;
}

const char *shop_kernels_variant_name(shop_kernel_variant variant) {
    switch (variant) {
    case SHOP_KERNEL_SCALAR: return "scalar";
    case SHOP_KERNEL_AVX2: return "avx2";
    case SHOP_KERNEL_AVX512_VNNI: return "avx512vnni";
    }
    return "unknown";
}

int shop_kernels_force_variant(shop_kernel_variant variant) {
    if (!shop_kernels_variant_supported(variant)) return SHOP_EUNSUPPORTED;
    atomic_store_explicit(&shop_forced, (int)variant, memory_order_relaxed);
    return SHOP_OK;
}

void shop_kernels_reset_variant(void) { atomic_store_explicit(&shop_forced, -1, memory_order_relaxed); }

const char *shop_kernels_strerror(int code) {
    switch (code) {
    case SHOP_OK: return "ok";
    case SHOP_EINVAL: return "invalid argument";
    case SHOP_ESIZE: return "buffer too small";
    case SHOP_EUNSUPPORTED: return "kernel variant not supported by this CPU";
    case SHOP_EPACKED: return "not a packed-weight buffer";
    case SHOP_EINDEX: return "index out of range";
    case SHOP_ENOMEM: return "out of memory";
    }
    return "unknown error";
}
