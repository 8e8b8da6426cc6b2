// Build-wide switches. Every macro has an #ifndef default; a value the user defines on the
// command line, or in the header named by PROBEKIT_USER_CONFIG_HEADER, wins.
#pragma once

#ifdef PROBEKIT_USER_CONFIG_HEADER
#include PROBEKIT_USER_CONFIG_HEADER
#endif

#define PROBEKIT_STRINGIFY_IMPL(x) #x
#define PROBEKIT_STRINGIFY(x) PROBEKIT_STRINGIFY_IMPL(x)

/// Most arguments one perf-probe command may carry (perf's MAX_PROBE_ARGS).
#ifndef PROBEKIT_MAX_PROBE_ARGS
#define PROBEKIT_MAX_PROBE_ARGS 128
#endif

/// Most field accesses (`->x`, `.y`, `[2]`) over all arguments of one command in the
/// storage that `perf_probe_storage` reserves for the view form of a parse.
#ifndef PROBEKIT_MAX_PROBE_FIELDS
#define PROBEKIT_MAX_PROBE_FIELDS 512
#endif

/// 1 when the translation unit is built with exceptions (decides nothing in the public API,
/// which never throws; only the grammar's internals look at it).
#ifndef PROBEKIT_HAS_EXCEPTIONS
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define PROBEKIT_HAS_EXCEPTIONS 1
#else
#define PROBEKIT_HAS_EXCEPTIONS 0
#endif
#endif
