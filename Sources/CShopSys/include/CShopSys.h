#ifndef CSHOPSYS_H
#define CSHOPSYS_H
/* Linux system calls Swift's Glibc module does not expose (epoll, accept4, eventfd,
 * CPU affinity). Thin wrappers only: every policy lives in Swift. */
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* epoll */
int shop_epoll_create(void);
int shop_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/* Waits for events; fills parallel arrays of event masks and user data. */
int shop_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max_events, int timeout_ms);

extern const uint32_t SHOP_EPOLLIN, SHOP_EPOLLOUT, SHOP_EPOLLERR, SHOP_EPOLLHUP,
    SHOP_EPOLLRDHUP, SHOP_EPOLLET;
extern const int SHOP_EPOLL_CTL_ADD, SHOP_EPOLL_CTL_MOD, SHOP_EPOLL_CTL_DEL;

/* Non-blocking, close-on-exec accept. */
int shop_accept4(int fd, struct sockaddr *addr, socklen_t *len);

/* eventfd for cross-thread wake-ups. */
int shop_eventfd(void);
int shop_eventfd_signal(int fd);
int shop_eventfd_drain(int fd);

/* Pins the calling thread to one CPU; returns 0 on success. */
int shop_pin_current_thread(int cpu);
/* Number of CPUs this process may run on. */
int shop_available_cpus(void);

/* Current thread id (for logs). */
int shop_gettid(void);

#ifdef __cplusplus
}
#endif
#endif
