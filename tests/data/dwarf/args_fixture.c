/* Fixture of tests/dwarf_args_test.cpp and tests/dwarf_args_kernel_test.cpp: every kind
 * of argument the resolver turns into fetch args. Built at -O0 and -O2, DWARF 4 and 5.
 * The kernel test probes the line that calls `marker` in `record` (find it by the text
 * "probe here") and checks the values this program passes. */
#include <string.h>

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

struct rec {
	char name[16];
	const char *label;
	struct point pt;
	struct point *pp;
	long vals[4];
	struct flags fl;
	union {
		int as_int;
		unsigned char bytes[4];
	};
};

typedef const struct rec rec_t;

int g_counter = 7;
char g_buffer[32] = "static buffer";
struct point g_origin = { 1, 2 };
static int s_calls;
volatile int g_sink;

__attribute__((noinline)) void marker(int v)
{
	g_sink = v;
}

static inline int square(int v)
{
	int sq = v * v;
	g_sink = sq;
	return sq;
}

__attribute__((noinline)) int area(struct point *p, int w)
{
	int a = p->x * w;
	int b = p->y * w;
	s_calls++;
	return a + b + square(w);
}

__attribute__((noinline)) int record(rec_t *r, int param)
{
	int local = param * 3 + r->pt.x;
	marker(local); /* probe here */
	return local + r->fl.mode + (int)strlen(r->name);
}

__attribute__((noinline)) long many(int a1, long a2, short a3, char a4, unsigned a5,
				    long long a6, int a7, int a8, long a9, const char *a10)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + (long)strlen(a10);
}

int main(int argc, char **argv)
{
	struct point p = { argc + 1, argc + 2 };
	struct point other = { 4, 5 };
	struct rec r;
	(void)argv;

	memset(&r, 0, sizeof(r));
	strcpy(r.name, "fixture-name");
	r.label = "fixture-label";
	r.pt.x = 42;
	r.pt.y = 43;
	r.pp = &other;
	r.vals[2] = 1234;
	r.fl.ready = 1;
	r.fl.mode = 5;
	r.fl.delta = -3;
	r.fl.rest = 99;
	r.as_int = 0x01020304;
	return (area(&p, argc + 2) + record(&r, 7) + (int)many(1, 2, 3, 'd', 5, 6, 7, 8, 9, "ten") +
		square(argc)) & 1;
}
