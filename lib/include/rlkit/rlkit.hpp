// Everything in the rlkit library but the Google Benchmark helper
// (rlkit/benchmark.hpp), which needs Google Benchmark itself.
#pragma once

#include "rlkit/child.hpp"
#include "rlkit/error.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/meter.hpp"
#include "rlkit/platform.hpp"
#include "rlkit/proc_limits.hpp"
#include "rlkit/resource.hpp"
#include "rlkit/usage.hpp"
