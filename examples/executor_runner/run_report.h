// RunReport: what executor_runner measured for one method (timings, memory,
// optional profile), printed as text or as one JSON object (schema
// "ember-runner-bench/1", documented in executor_runner's usage text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/executor_runner/profile_table.h"

namespace ember::runner {

// Nearest-rank percentiles over sorted samples, as tools/ort/ort_run.js
// computes them: p = sorted[floor(q * (n - 1))].
struct Stats {
  size_t n = 0;
  double median = 0, p10 = 0, p90 = 0, min = 0, max = 0, mean = 0;
};
Stats stats_of(std::vector<double> samples);

// Resident set size now (/proc/self/statm), and the process's peak
// (getrusage ru_maxrss), in bytes; 0 when unavailable.
size_t current_rss_bytes();
size_t peak_rss_bytes();

struct RunReport {
  std::string model;
  std::string method;
  long threads = 0;
  long warmup = 0;
  double load_ms = 0;
  double init_ms = 0;
  double first_ms = 0;
  std::vector<double> runs_ms;
  size_t rss_before_load = 0;
  size_t rss_after_init = 0;
  size_t rss_after_first_run = 0;
  size_t rss_end = 0;
  size_t peak_rss = 0;
  const ProfileTable* profile = nullptr;  // null without --profile
};

void print_text(const RunReport& report, std::FILE* out);
void print_json(const RunReport& report, std::FILE* out);

}  // namespace ember::runner
