/*
 * sdt_fixture.c - SDT probes for probekit's tests: register, memory and constant operands,
 * one name at two sites; sdt_fixture_guard.c adds a probe guarded by a semaphore.
 *
 * Usage: sdt_fixture [N]   runs the probes N times (default 3) and prints
 *        "guarded=<how many times the guarded code ran>".
 */
#include <sys/sdt.h>

#include <stdio.h>
#include <stdlib.h>

extern int guarded(int round);

struct sample {
	int id;
	long weight;
};

static volatile long g_total;

__attribute__((noinline)) static long work(struct sample *s, int round)
{
	long const scaled = s->weight * 2 + round;

	STAP_PROBE3(pkfix, values, round, s->weight, scaled);
	STAP_PROBE1(pkfix, constant, 42);
	STAP_PROBE2(pkfix, memory, s->id, g_total);
	return scaled;
}

__attribute__((noinline)) static int twice(int v)
{
	if (v & 1) {
		STAP_PROBE1(pkfix, twice, v);
		return v * 3;
	}
	STAP_PROBE1(pkfix, twice, v + 100);
	return v - 1;
}

int main(int argc, char **argv)
{
	int const rounds = argc > 1 ? atoi(argv[1]) : 3;
	int ran = 0;

	for (int round = 0; round < rounds; ++round) {
		struct sample s = { round + 7, 1000L + round };

		g_total += work(&s, round);
		g_total += twice(round);
		ran += guarded(round);
	}
	printf("guarded=%d\n", ran);
	return 0;
}
