/* Linux interfaces Glibc's Swift overlay does not bring in. */
#include <sys/timex.h>

/* 1 when the kernel says the clock is not synchronised (no NTP, no RTC discipline), 0 when it is. */
static inline int meterd_clock_unsynchronised(void) {
    struct timex state = {0};
    int result = adjtimex(&state);
    return result == TIME_ERROR || (state.status & STA_UNSYNC) != 0;
}
