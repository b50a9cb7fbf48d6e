// ProfileTable: an EventTracer that sums events per (kind, name, detail) into
// a fixed table reserved up front, so recording allocates nothing, and keeps
// per-run totals (wall time of the run, time in delegate calls, time in
// delegate nodes) for the runs made between begin_run() and end_run().
//
// Recording is off until enable(); names are borrowed from the program (see
// event_tracer.h), so the table must not outlive the Module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/event_tracer.h"

namespace ember::runner {

struct ProfileRow {
  EventKind kind = EventKind::Kernel;
  const char* name = "";
  const char* detail = "";
  size_t count = 0;
  uint64_t total_ns = 0;
};

struct ProfileRun {
  uint64_t wall_ns = 0;            // begin_run() to end_run()
  uint64_t instructions_ns = 0;    // sum of instruction events (all kinds but DelegateNode)
  uint64_t delegate_calls_ns = 0;  // instructions that were delegate calls
  uint64_t delegate_nodes_ns = 0;  // sum of delegate node events
};

class ProfileTable final : public EventTracer {
 public:
  // Room for `max_rows` distinct rows and `max_runs` runs; events beyond are
  // counted in dropped().
  ProfileTable(size_t max_rows, size_t max_runs);

  void enable(bool on) { enabled_ = on; }
  void begin_run();
  void end_run();
  void record(const ProfileEvent& event) override;

  const std::vector<ProfileRow>& rows() const { return rows_; }
  const std::vector<ProfileRun>& runs() const { return runs_; }
  size_t dropped() const { return dropped_; }
  // "aten::add.out", "XnnpackBackend (delegate call)" or "xnnpack:XNNConv2d".
  static std::string label(const ProfileRow& row);

 private:
  std::vector<ProfileRow> rows_;
  std::vector<ProfileRun> runs_;
  size_t max_rows_;
  size_t max_runs_;
  ProfileRun current_;
  uint64_t run_start_ns_ = 0;
  size_t dropped_ = 0;
  bool enabled_ = false;
  bool in_run_ = false;
};

}  // namespace ember::runner
