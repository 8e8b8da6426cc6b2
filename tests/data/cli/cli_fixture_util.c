/* cli_fixture_util.c - second CU of cli_fixture.c: a static `helper` of its own, so that
 * `helper` names two functions and `helper@cli_fixture_util.c` one of them. */
__attribute__((noinline)) static int helper(int v)
{
	return v * 2;
}

int util_run(int v)
{
	return helper(v) + 3;
}
