// Fixture of tests/dwarf_args_test.cpp for C++: members through `this` (perf 6.1 fault F14)
// and references.
struct Counter {
    int count_ = 0;
    long total_ = 0;
    __attribute__((noinline)) int bump(int by);
};

int Counter::bump(int by)
{
    count_ += by;
    total_ += count_;
    return count_;
}

__attribute__((noinline)) int twice(int& value)
{
    value *= 2;
    return value;
}

int main(int argc, char**)
{
    Counter c;
    int v = argc;
    return (c.bump(argc) + twice(v)) & 1;
}
