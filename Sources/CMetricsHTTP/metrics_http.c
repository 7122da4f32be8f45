#include "metrics_http.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct MHD_Daemon *shop_metrics_http_start(const char *host, uint16_t port, MHD_AccessHandlerCallback handler,
                                           void *context, unsigned int connection_limit,
                                           unsigned int timeout_seconds, const char **error) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned) port);
    struct addrinfo *addresses = NULL;
    if (getaddrinfo(host, service, &hints, &addresses) != 0 || addresses == NULL) {
        *error = "cannot resolve the metrics listen address";
        return NULL;
    }
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (addresses->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, port, NULL, NULL, handler, context,
        MHD_OPTION_SOCK_ADDR, addresses->ai_addr,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
        MHD_OPTION_END);
    freeaddrinfo(addresses);
    if (daemon == NULL) *error = "cannot start the metrics HTTP listener (address in use or not available?)";
    return daemon;
}

uint16_t shop_metrics_http_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}
