// The second CU of the resolver fixture: another static `pick`, without `closure`.
#include <stdio.h>

static __attribute__((noinline)) int pick(int n)
{
    printf("%d\n", n);
    return n * 2;
}

int pick_b(int n)
{
    return pick(n + 3);
}
