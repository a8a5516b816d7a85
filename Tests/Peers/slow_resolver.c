/* An LD_PRELOAD shim that makes name resolution slow, as a failing site resolver is: a name ending in
   ".slow.test" resolves to 127.0.0.1 after METERD_TEST_RESOLVER_DELAY_MS milliseconds (8000 unless set).
   Every other name goes to the C library's getaddrinfo unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*getaddrinfo_function)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **result) {
    getaddrinfo_function real = (getaddrinfo_function)dlsym(RTLD_NEXT, "getaddrinfo");
    static const char suffix[] = ".slow.test";
    size_t length = node ? strlen(node) : 0;
    if (length > sizeof suffix - 1 && strcmp(node + length - (sizeof suffix - 1), suffix) == 0) {
        const char *delay = getenv("METERD_TEST_RESOLVER_DELAY_MS");
        long milliseconds = delay ? atol(delay) : 8000;
        struct timespec pause = { milliseconds / 1000, (milliseconds % 1000) * 1000000L };
        while (nanosleep(&pause, &pause) != 0) {}
        return real("127.0.0.1", service, hints, result);
    }
    return real(node, service, hints, result);
}
