/*
 * cli_fixture.c - fixture of the CLI tests (probe_cli_cache_test.cpp,
 * probe_cli_kernel_test.cpp, deviation_pins_test.cpp); cli_fixture_util.c is its second CU.
 *
 * Usage: cli_fixture [N]   calls step() N times (default 7) with w = 1..N and prints the sum.
 *        step(p, w) returns (p->x * w) + (p->y + w) with p->x = w - 1 and p->y = 10.
 *
 * The tests probe `step:2` (`int a = ...`: two addresses at -O0), `step:5` (`return a + b;`:
 * one address, `a` and `b` set) and the lazy pattern `g_total+=*`; keep step where it is.
 */
#include <stdio.h>
#include <stdlib.h>

struct point {
	int x;
	int y;
};

struct flags {
	unsigned int ready : 1;
	unsigned int mode : 3;
	signed int delta : 5;
	unsigned int rest : 23;
};

long g_total;
struct flags g_flags = { 1, 5, -3, 99 };
volatile int g_sink;

extern int util_run(int v);

static inline __attribute__((always_inline)) int square(int v)
{
	return v * v;
}

__attribute__((noinline)) int step(struct point *p, int w)
{
	int a = p->x * w;
	int b = p->y + w;
	g_total += a + b;
	return a + b;
}

__attribute__((noinline)) static int helper(int v)
{
	return v + 1;
}

__attribute__((noinline)) int check_flags(struct flags *f)
{
	struct flags copy = *f;
	g_sink = copy.mode + copy.delta;
	return f->ready + copy.rest;
}

int main(int argc, char **argv)
{
	int const n = argc > 1 ? atoi(argv[1]) : 7;
	struct point pt = { 0, 10 };
	long sum = 0;

	for (int w = 1; w <= n; ++w) {
		pt.x = w - 1;
		sum += step(&pt, w);
	}
	sum += helper(n) + util_run(n) + square(n) + check_flags(&g_flags);
	printf("%ld\n", sum);
	return 0;
}
