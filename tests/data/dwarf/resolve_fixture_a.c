// Fixture for the resolver tests (with resolve_fixture_b.c): two CUs that each define a
// static `pick`, with different parameters, and a function with parameters on the stack.
// Built at -O2, once with its DWARF inside and once with it in a separate debug file.
#include <stdio.h>

int pick_b(int n);

static __attribute__((noinline)) int pick(void *closure, int n)
{
    printf("%p %d\n", closure, n);
    return n + 1;
}

// Parameters 7 and 8 are passed on the stack: DW_OP_fbreg from a DW_OP_call_frame_cfa
// frame base, which needs the call-frame tables.
__attribute__((noinline)) int many(int a, int b, int c, int d, int e, int f, int g, int h)
{
    printf("%d\n", a * b + c * d + e * f + g * h);
    return a + h;
}

int main(int argc, char **argv)
{
    (void)argv;
    return pick(&argc, argc) + pick_b(argc) + many(argc, 2, 3, 4, 5, 6, 7, 8);
}
