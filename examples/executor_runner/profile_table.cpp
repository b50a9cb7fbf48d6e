#include "examples/executor_runner/profile_table.h"

#include <cstring>

namespace ember::runner {

ProfileTable::ProfileTable(size_t max_rows, size_t max_runs) : max_rows_(max_rows), max_runs_(max_runs) {
  rows_.reserve(max_rows);
  runs_.reserve(max_runs);
}

void ProfileTable::begin_run() {
  current_ = ProfileRun();
  in_run_ = enabled_;
  run_start_ns_ = now_ns();
}

void ProfileTable::end_run() {
  if (!in_run_) return;
  in_run_ = false;
  current_.wall_ns = now_ns() - run_start_ns_;
  if (runs_.size() < max_runs_) runs_.push_back(current_);
}

void ProfileTable::record(const ProfileEvent& event) {
  if (!enabled_) return;
  uint64_t ns = event.end_ns >= event.start_ns ? event.end_ns - event.start_ns : 0;
  if (event.kind == EventKind::DelegateNode) {
    current_.delegate_nodes_ns += ns;
  } else {
    current_.instructions_ns += ns;
  }
  ProfileRow* row = nullptr;
  for (ProfileRow& r : rows_) {
    if (r.kind == event.kind && std::strcmp(r.name, event.name) == 0 && std::strcmp(r.detail, event.detail) == 0) {
      row = &r;
      break;
    }
  }
  if (row == nullptr) {
    if (rows_.size() == max_rows_) {
      ++dropped_;
      return;
    }
    ProfileRow fresh;
    fresh.kind = event.kind;
    fresh.name = event.name;
    fresh.detail = event.detail;
    rows_.push_back(fresh);
    row = &rows_.back();
  }
  ++row->count;
  row->total_ns += ns;
  if (event.kind == EventKind::DelegateCall) current_.delegate_calls_ns += ns;
}

std::string ProfileTable::label(const ProfileRow& row) {
  switch (row.kind) {
    case EventKind::Kernel:
      return row.detail[0] != '\0' ? std::string(row.name) + "." + row.detail : std::string(row.name);
    case EventKind::DelegateCall: return std::string(row.name) + " (delegate call)";
    case EventKind::DelegateNode:
      return std::strcmp(row.detail, "XnnpackBackend") == 0 ? std::string("xnnpack:") + row.name
                                                            : std::string(row.detail) + ":" + row.name;
    case EventKind::Control: break;
  }
  return row.name;
}

}  // namespace ember::runner
