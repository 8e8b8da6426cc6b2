// cli_fixture_cxx.cpp - fixture of deviation_pins_test.cpp for C++ names (perf 6.1 fault
// F14): a namespace, a class with a member read through `this`, a destructor, a template
// instance, a function object's operator() and a lambda on a line of its own.
namespace shapes {

class Counter {
public:
    explicit Counter(int start) : count_(start) {}
    ~Counter() { last_ = count_; }
    __attribute__((noinline)) int bump(int by);
    static int last_;

private:
    int count_;
};

int Counter::last_ = 0;

int Counter::bump(int by)
{
    count_ += by;
    return count_;
}

} // namespace shapes

template <typename T>
__attribute__((noinline)) T largest(T a, T b)
{
    return a > b ? a : b;
}

struct Doubler {
    __attribute__((noinline)) int operator()(int v) const { return v * 2; }
};

__attribute__((noinline)) int run_lambda(int base)
{
    auto add = [base](int v) __attribute__((noinline)) { return v + base; };
    return add(base);
}

int main(int argc, char**)
{
    int sum = 0;
    {
        shapes::Counter c(argc);
        sum += c.bump(argc);
    }
    sum += largest(argc, 3) + Doubler{}(argc) + run_lambda(argc) + shapes::Counter::last_;
    return sum & 1;
}
