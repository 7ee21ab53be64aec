/* Hall storage for benchmarks and tests: every fsync, fdatasync and msync(MS_SYNC) of
 * the process this is preloaded into waits HALLKIT_FSYNC_MS milliseconds first (eMMC
 * about 5, an SD card about 15), then syncs for real. With HALLKIT_FSYNC_LOG set, each
 * sync appends "<start> <end>\n" (wall-clock seconds) to that file, so a test can see
 * when the disk was busy; with HALLKIT_FSYNC_EIO_FLAG set, syncs fail with EIO while that
 * file exists (a failing card). Built by bench/hall_storage.py; used through LD_PRELOAD. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static struct timespec delay;
static int log_fd = -1;
static const char *eio_flag;
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_msync)(void *, size_t, int);

__attribute__((constructor)) static void setup(void) {
    const char *ms = getenv("HALLKIT_FSYNC_MS");
    long ns = ms ? (long)(atof(ms) * 1e6) : 0;
    delay.tv_sec = ns / 1000000000L;
    delay.tv_nsec = ns % 1000000000L;
    const char *log = getenv("HALLKIT_FSYNC_LOG");
    if (log && *log)
        log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    eio_flag = getenv("HALLKIT_FSYNC_EIO_FLAG");
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    real_msync = (int (*)(void *, size_t, int))dlsym(RTLD_NEXT, "msync");
}

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* The disk's time, then the real sync; errno is the real call's. */
static int slow(int (*sync)(int), int fd) {
    double start = wall();
    struct timespec left = delay;
    while (nanosleep(&left, &left) == -1 && errno == EINTR) {}
    int rc, saved;
    if (eio_flag && *eio_flag && access(eio_flag, F_OK) == 0) {
        rc = -1;
        saved = EIO;
    } else {
        rc = sync(fd);
        saved = errno;
    }
    if (log_fd >= 0) {
        char line[64];
        int n = snprintf(line, sizeof line, "%.6f %.6f\n", start, wall());
        if (write(log_fd, line, n) < 0) {}  /* a lost log line must not fail the sync */
    }
    errno = saved;
    return rc;
}

int fsync(int fd) { return slow(real_fsync, fd); }
int fdatasync(int fd) { return slow(real_fdatasync, fd); }

int msync(void *addr, size_t len, int flags) {
    if (flags & MS_SYNC) {
        struct timespec left = delay;
        while (nanosleep(&left, &left) == -1 && errno == EINTR) {}
    }
    return real_msync(addr, len, flags);
}
