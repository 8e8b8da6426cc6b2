/*
 * sdt_fixture_guard.c - the semaphore-guarded probe of sdt_fixture (semaphores are a
 * property of a whole translation unit in <sys/sdt.h>).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

/* The kernel counts the enabled uprobes of pkfix:guarded here (uprobe ref_ctr_offset). */
unsigned short pkfix_guarded_semaphore __attribute__((unused, section(".probes")));

/* Runs only while a uprobe on pkfix:guarded is enabled. */
__attribute__((noinline)) int guarded(int round)
{
	if (__builtin_expect(pkfix_guarded_semaphore, 0)) {
		STAP_PROBE2(pkfix, guarded, round, -round);
		return 1;
	}
	return 0;
}
