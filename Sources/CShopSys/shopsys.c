#define _GNU_SOURCE
#include "CShopSys.h"
#include <sched.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

const uint32_t SHOP_EPOLLIN = EPOLLIN, SHOP_EPOLLOUT = EPOLLOUT, SHOP_EPOLLERR = EPOLLERR,
    SHOP_EPOLLHUP = EPOLLHUP, SHOP_EPOLLRDHUP = EPOLLRDHUP, SHOP_EPOLLET = EPOLLET;
const int SHOP_EPOLL_CTL_ADD = EPOLL_CTL_ADD, SHOP_EPOLL_CTL_MOD = EPOLL_CTL_MOD,
    SHOP_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

int shop_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int shop_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int shop_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max_events, int timeout_ms) {
    struct epoll_event evs[256];
    if (max_events > 256) max_events = 256;
    int n = epoll_wait(epfd, evs, max_events, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i] = evs[i].events;
        datas[i] = evs[i].data.u64;
    }
    return n;
}

int shop_accept4(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int shop_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int shop_eventfd_signal(int fd) {
    uint64_t one = 1;
    return (int)write(fd, &one, sizeof one);
}

int shop_eventfd_drain(int fd) {
    uint64_t value;
    return (int)read(fd, &value, sizeof value);
}

int shop_pin_current_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int shop_available_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return (int)sysconf(_SC_NPROCESSORS_ONLN);
    return CPU_COUNT(&set);
}

int shop_gettid(void) { return (int)syscall(SYS_gettid); }
