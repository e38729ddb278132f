// glibc's allocator tuning (mallopt); nothing on other systems.
#if defined(__linux__)
#include <malloc.h>
#endif
