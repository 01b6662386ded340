/* Test support: work space for pvp_patch and pvp_verify_patch, kept for the
 * life of the test process (grown as needed, never freed: still reachable). */
#ifndef PVP_TEST_WORK_H
#define PVP_TEST_WORK_H

#include <stddef.h>
#include <stdint.h>

/* Work space for a site table of `sites_size` bytes; its size in *size. */
void *test_work(uint64_t sites_size, size_t *size);
/* A template cache of `size` bytes (the arch's site_cache_size). */
void *test_cache(size_t size);

#endif
