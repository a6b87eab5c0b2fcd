/* LD_PRELOAD shim for the tests: a full disk without root and without a small filesystem.
 * Writes (write, pwrite) to files whose path contains $SEQMEM_ENOSPC_MATCH fail with ENOSPC once
 * $SEQMEM_ENOSPC_AFTER bytes have gone to such files (HDF5's sec2 driver writes with pwrite).
 * Built by tests/CMakeLists.txt; used by tests/test_robustness.py. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long long budget = -2; /* -2: not read yet, -1: no limit */

static int limited(int fd, size_t n) {
  const char* match = getenv("SEQMEM_ENOSPC_MATCH");
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t len = readlink(link, path, sizeof path - 1);
  if (len <= 0 || !match) return 0;
  path[len] = 0;
  if (!strstr(path, match)) return 0;
  int full = 0;
  pthread_mutex_lock(&mu);
  if (budget == -2) {
    const char* after = getenv("SEQMEM_ENOSPC_AFTER");
    budget = after ? atoll(after) : -1;
  }
  if (budget >= 0) {
    if ((long long)n > budget) {
      budget = 0;
      full = 1;
    } else {
      budget -= (long long)n;
    }
  }
  pthread_mutex_unlock(&mu);
  return full;
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static ssize_t (*real)(int, const void*, size_t, off_t);
  if (!real) real = (ssize_t(*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
  if (limited(fd, n)) {
    errno = ENOSPC;
    return -1;
  }
  return real(fd, buf, n, off);
}

ssize_t write(int fd, const void* buf, size_t n) {
  static ssize_t (*real)(int, const void*, size_t);
  if (!real) real = (ssize_t(*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  if (fd > 2 && limited(fd, n)) {
    errno = ENOSPC;
    return -1;
  }
  return real(fd, buf, n);
}
