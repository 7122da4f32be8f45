/* Register-only multiply-accumulate loops that measure a core's int8 peak (benchmark support). */
#include "internal.h"

#include <immintrin.h>

/* 16 independent zmm accumulators, vpdpbusd only: 64 MACs per instruction. */
SHOP_TARGET_VNNI static uint64_t peak_vnni(uint64_t iterations) {
    __m512i acc[16];
    for (int i = 0; i < 16; i++) acc[i] = _mm512_set1_epi32(i);
    __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(5);
    for (uint64_t it = 0; it < iterations; it++) {
        for (int i = 0; i < 16; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
        __asm__ volatile("" : "+v"(a), "+v"(b)); /* keep the loop from being folded */
    }
    __m512i s = acc[0];
    for (int i = 1; i < 16; i++) s = _mm512_add_epi32(s, acc[i]);
    volatile int32_t sink = _mm512_reduce_add_epi32(s);
    (void)sink;
    return iterations * 16 * 64;
}

/* The AVX2 kernel's exact sequence, vpmaddwd + vpaddd on 12 ymm accumulators: 16 MACs each. */
SHOP_TARGET_AVX2 static uint64_t peak_avx2(uint64_t iterations) {
    __m256i acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_epi32(i);
    __m256i a = _mm256_set1_epi16(3), b0 = _mm256_set1_epi16(5), b1 = _mm256_set1_epi16(7),
            b2 = _mm256_set1_epi16(9);
    for (uint64_t it = 0; it < iterations; it++) {
        for (int i = 0; i < 12; i += 3) {
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, b0));
            acc[i + 1] = _mm256_add_epi32(acc[i + 1], _mm256_madd_epi16(a, b1));
            acc[i + 2] = _mm256_add_epi32(acc[i + 2], _mm256_madd_epi16(a, b2));
            __asm__ volatile("" : "+x"(a)); /* a new broadcast per row, like the kernel */
        }
    }
    __m256i s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm256_add_epi32(s, acc[i]);
    volatile int32_t sink = _mm256_extract_epi32(s, 0);
    (void)sink;
    return iterations * 12 * 16;
}

/* Saturating u8 x s8 sequence (vpmaddubsw + vpmaddwd + vpaddd, 32 MACs), what AVX2 libraries
 * without exactness guarantees use; printed for context only. */
SHOP_TARGET_AVX2 static uint64_t peak_avx2_maddubs(uint64_t iterations) {
    __m256i acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_epi32(i);
    __m256i a = _mm256_set1_epi8(3), b0 = _mm256_set1_epi8(5), b1 = _mm256_set1_epi8(7),
            b2 = _mm256_set1_epi8(9), one = _mm256_set1_epi16(1);
    for (uint64_t it = 0; it < iterations; it++) {
        for (int i = 0; i < 12; i += 3) {
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b0), one));
            acc[i + 1] = _mm256_add_epi32(acc[i + 1], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b1), one));
            acc[i + 2] = _mm256_add_epi32(acc[i + 2], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b2), one));
            __asm__ volatile("" : "+x"(a));
        }
    }
    __m256i s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm256_add_epi32(s, acc[i]);
    volatile int32_t sink = _mm256_extract_epi32(s, 0);
    (void)sink;
    return iterations * 12 * 32;
}

uint64_t shop_kernels_peak_loop(int which, uint64_t iterations) {
    switch (which) {
    case SHOP_PEAK_VNNI:
        return shop_kernels_variant_supported(SHOP_KERNEL_AVX512_VNNI) ? peak_vnni(iterations) : 0;
    case SHOP_PEAK_AVX2_MADDWD:
        return shop_kernels_variant_supported(SHOP_KERNEL_AVX2) ? peak_avx2(iterations) : 0;
    case SHOP_PEAK_AVX2_MADDUBSW:
        return shop_kernels_variant_supported(SHOP_KERNEL_AVX2) ? peak_avx2_maddubs(iterations) : 0;
    }
    return 0;
}
