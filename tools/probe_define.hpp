// `probekit probe -a/-D` (probe_define.cpp).
#pragma once

#include "probe_options.hpp"

namespace probekit::cli {

/// Defines the probes of `o.defines` (`define`: -D, print them) or `o.adds` (-a: write them
/// to uprobe_events unless -n, and with --cache record them), with perf's output.
int define_probes(probe_options const& o, bool define);

} // namespace probekit::cli
