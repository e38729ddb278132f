// Starting a file's write-back to disk without waiting for it (Linux's sync_file_range with
// SYNC_FILE_RANGE_WRITE, which C declares only under _GNU_SOURCE); a no-op returning 0 elsewhere.
#if defined(__linux__)
#include <unistd.h>
#include <sys/syscall.h>
#endif

static inline int deepprov_start_writeback(int descriptor, long long offset, long long count) {
#if defined(__linux__) && defined(SYS_sync_file_range)
    return (int)syscall(SYS_sync_file_range, descriptor, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)descriptor; (void)offset; (void)count;
    return 0;
#endif
}
