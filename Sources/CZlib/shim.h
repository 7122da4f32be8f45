#include <zlib.h>
/* deflateInit2/inflateInit2 are macros; expose them as functions. */
static inline int shop_deflate_init_gzip(z_stream *strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int shop_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 15 + 16);
}
