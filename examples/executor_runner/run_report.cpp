#include "examples/executor_runner/run_report.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace ember::runner {
namespace {

double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Profile rows, largest total first, with their share of all instruction time
// (delegate nodes: share of all node time).
std::vector<ProfileRow> sorted_rows(const ProfileTable& table) {
  std::vector<ProfileRow> rows = table.rows();
  std::stable_sort(rows.begin(), rows.end(), [](const ProfileRow& a, const ProfileRow& b) {
    bool a_node = a.kind == EventKind::DelegateNode;
    bool b_node = b.kind == EventKind::DelegateNode;
    if (a_node != b_node) return !a_node;
    return a.total_ns > b.total_ns;
  });
  return rows;
}

uint64_t total_of(const std::vector<ProfileRow>& rows, bool nodes) {
  uint64_t total = 0;
  for (const ProfileRow& r : rows) {
    if ((r.kind == EventKind::DelegateNode) == nodes) total += r.total_ns;
  }
  return total;
}

Stats run_stats(const ProfileTable& table, uint64_t ProfileRun::*field) {
  std::vector<double> v;
  for (const ProfileRun& r : table.runs()) v.push_back(ms(r.*field));
  return stats_of(v);
}

}  // namespace

Stats stats_of(std::vector<double> samples) {
  Stats s;
  s.n = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  auto rank = [&](double q) { return samples[static_cast<size_t>(std::floor(q * static_cast<double>(s.n - 1)))]; };
  s.median = s.n % 2 == 1 ? samples[s.n / 2] : (samples[s.n / 2 - 1] + samples[s.n / 2]) / 2;
  s.p10 = rank(0.1);
  s.p90 = rank(0.9);
  s.min = samples.front();
  s.max = samples.back();
  double sum = 0;
  for (double x : samples) sum += x;
  s.mean = sum / static_cast<double>(s.n);
  return s;
}

size_t current_rss_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  long page = sysconf(_SC_PAGESIZE);
  return got == 2 && page > 0 ? static_cast<size_t>(resident) * static_cast<size_t>(page) : 0;
}

size_t peak_rss_bytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<size_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

void print_text(const RunReport& r, std::FILE* out) {
  Stats s = stats_of(r.runs_ms);
  std::fprintf(out, "timing:\n  program load  %10.3f ms\n  method init   %10.3f ms\n  first run     %10.3f ms\n",
               r.load_ms, r.init_ms, r.first_ms);
  if (s.n > 0) {
    std::fprintf(out,
                 "  %zu timed run(s) after %ld warmup: median %.4f ms, p10 %.4f ms, p90 %.4f ms, min %.4f ms, "
                 "max %.4f ms\n",
                 s.n, r.warmup, s.median, s.p10, s.p90, s.min, s.max);
  }
  std::fprintf(out, "memory:\n  RSS before load %8.1f MiB\n  peak RSS        %8.1f MiB (growth %.1f MiB)\n",
               static_cast<double>(r.rss_before_load) / 1048576.0, static_cast<double>(r.peak_rss) / 1048576.0,
               static_cast<double>(r.peak_rss > r.rss_before_load ? r.peak_rss - r.rss_before_load : 0) / 1048576.0);
  if (r.profile == nullptr) return;
  const ProfileTable& p = *r.profile;
  std::vector<ProfileRow> rows = sorted_rows(p);
  size_t runs = p.runs().size();
  uint64_t instr_total = total_of(rows, false);
  uint64_t node_total = total_of(rows, true);
  std::fprintf(out, "profile (%zu run(s); per instruction, then per delegate node):\n", runs);
  std::fprintf(out, "  %-48s %8s %12s %12s %7s\n", "op", "count", "total ms", "ms/run", "share");
  for (const ProfileRow& row : rows) {
    uint64_t base = row.kind == EventKind::DelegateNode ? node_total : instr_total;
    std::fprintf(out, "  %-48s %8zu %12.3f %12.4f %6.1f%%\n", ProfileTable::label(row).c_str(), row.count,
                 ms(row.total_ns), runs ? ms(row.total_ns) / static_cast<double>(runs) : 0.0,
                 base ? 100.0 * static_cast<double>(row.total_ns) / static_cast<double>(base) : 0.0);
  }
  Stats wall = run_stats(p, &ProfileRun::wall_ns);
  Stats calls = run_stats(p, &ProfileRun::delegate_calls_ns);
  Stats nodes = run_stats(p, &ProfileRun::delegate_nodes_ns);
  std::fprintf(out, "  per run (median): execute %.4f ms, delegate calls %.4f ms, delegate nodes %.4f ms\n",
               wall.median, calls.median, nodes.median);
  if (p.dropped() > 0) std::fprintf(out, "  note: %zu event(s) beyond the table's rows were dropped\n", p.dropped());
}

void print_json(const RunReport& r, std::FILE* out) {
  Stats s = stats_of(r.runs_ms);
  std::string j = "{";
  auto num = [&](const char* key, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.6g", v);
    j += json_string(key) + ": " + buf + ", ";
  };
  auto integer = [&](const char* key, unsigned long long v) { j += json_string(key) + ": " + std::to_string(v) + ", "; };
  j += "\"schema\": \"ember-runner-bench/1\", ";
  j += "\"model\": " + json_string(r.model) + ", \"method\": " + json_string(r.method) + ", ";
  integer("threads", static_cast<unsigned long long>(r.threads));
  integer("runs", s.n);
  integer("warmup", static_cast<unsigned long long>(r.warmup));
  num("program_load_ms", r.load_ms);
  num("method_init_ms", r.init_ms);
  num("load_init_ms", r.load_ms + r.init_ms);
  num("first_run_ms", r.first_ms);
  num("median_ms", s.median);
  num("p10_ms", s.p10);
  num("p90_ms", s.p90);
  num("min_ms", s.min);
  num("max_ms", s.max);
  num("mean_ms", s.mean);
  integer("rss_before_load_bytes", r.rss_before_load);
  integer("rss_after_init_bytes", r.rss_after_init);
  integer("rss_after_first_run_bytes", r.rss_after_first_run);
  integer("rss_end_bytes", r.rss_end);
  integer("peak_rss_bytes", r.peak_rss);
  integer("rss_growth_bytes", r.peak_rss > r.rss_before_load ? r.peak_rss - r.rss_before_load : 0);
  if (r.profile == nullptr) {
    j += "\"profile\": null}";
  } else {
    const ProfileTable& p = *r.profile;
    std::vector<ProfileRow> rows = sorted_rows(p);
    uint64_t instr_total = total_of(rows, false);
    uint64_t node_total = total_of(rows, true);
    j += "\"profile\": {";
    integer("runs", p.runs().size());
    num("execute_median_ms", run_stats(p, &ProfileRun::wall_ns).median);
    num("instructions_median_ms", run_stats(p, &ProfileRun::instructions_ns).median);
    num("delegate_calls_median_ms", run_stats(p, &ProfileRun::delegate_calls_ns).median);
    num("delegate_nodes_median_ms", run_stats(p, &ProfileRun::delegate_nodes_ns).median);
    j += "\"rows\": [";
    for (size_t i = 0; i < rows.size(); ++i) {
      const ProfileRow& row = rows[i];
      const char* kind = row.kind == EventKind::Kernel         ? "kernel"
                         : row.kind == EventKind::DelegateCall ? "delegate_call"
                         : row.kind == EventKind::DelegateNode ? "delegate_node"
                                                               : "control";
      uint64_t base = row.kind == EventKind::DelegateNode ? node_total : instr_total;
      char buf[160];
      std::snprintf(buf, sizeof(buf), "\"count\": %zu, \"total_ms\": %.6g, \"share\": %.4f}", row.count,
                    ms(row.total_ns), base ? static_cast<double>(row.total_ns) / static_cast<double>(base) : 0.0);
      j += std::string(i ? ", " : "") + "{\"kind\": \"" + kind + "\", \"op\": " +
           json_string(ProfileTable::label(row)) + ", " + buf;
    }
    j += "]}}";
  }
  std::fprintf(out, "%s\n", j.c_str());
}

}  // namespace ember::runner
