// A thin C layer over GNU libmicrohttpd for the metrics endpoint: libmicrohttpd configures
// daemons through variadic calls, which Swift cannot make, so starting one and asking its
// port live here. Everything else (the request handler) is Swift.
#ifndef SHOP_METRICS_HTTP_H
#define SHOP_METRICS_HTTP_H

#include <stdint.h>
#include <microhttpd.h>

/// Starts an HTTP/1.1 daemon with its own polling thread, listening on `host`:`port` (a numeric
/// address or a name; port 0 picks a free port), answering every request with `handler`.
/// `connection_limit` caps open connections; idle connections close after `timeout_seconds`.
/// Returns NULL on failure with a static description in `*error`.
struct MHD_Daemon *shop_metrics_http_start(const char *host, uint16_t port, MHD_AccessHandlerCallback handler,
                                           void *context, unsigned int connection_limit,
                                           unsigned int timeout_seconds, const char **error);

/// The port the daemon listens on (0 if unknown).
uint16_t shop_metrics_http_port(struct MHD_Daemon *daemon);

#endif
