// EventTracer: an optional hook the host passes to a Method (through
// MethodLoadOptions / ModuleOptions) to time what execute() runs.
//
// The Method reports one event per instruction it executes (a kernel call
// named by its operator, a delegate call named by the backend id) and
// hands the tracer to backends through BackendExecutionContext, so a backend
// can report one event per node it runs (XnnpackBackend: one per XNNPACK
// node, named by the node kind).
//
// Cost: when no tracer is set, execute() only tests a null pointer. With a
// tracer, the runtime reads the clock twice per event and calls record();
// nothing is allocated. Event names point into the program's flatbuffer or
// static strings: valid while the Program lives; copy them to keep longer.
//
// Ownership: the host owns the tracer; it must outlive every execute() it is
// used by. record() runs on the thread that called execute() (not re-entered
// for one Method; Methods running concurrently on one tracer call it
// concurrently).
#pragma once

#include <chrono>
#include <cstdint>

namespace ember {

enum class EventKind : uint8_t {
  Kernel,        // an instruction calling a kernel
  DelegateCall,  // an instruction calling a delegate
  Control,       // a move, jump or free instruction
  DelegateNode,  // one node a backend ran inside a delegate call
};

struct ProfileEvent {
  EventKind kind = EventKind::Kernel;
  // Kernel: the operator name ("aten::add"). DelegateCall: the backend id.
  // Control: "move", "jump_false" or "free". DelegateNode: the node kind
  // (e.g. "XNNConv2d").
  const char* name = "";
  // Kernel: the operator overload ("out"). DelegateNode: the backend id
  // ("XnnpackBackend"). Otherwise "".
  const char* detail = "";
  // The program counter; for a DelegateNode, the node's index in its
  // delegate graph.
  uint32_t index = 0;
  // DelegateNode: the program counter of the delegate call.
  uint32_t parent = 0;
  // steady_clock nanoseconds; end_ns >= start_ns.
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
};

class EventTracer {
 public:
  virtual ~EventTracer() = default;
  // Called once per finished event (also for one that failed).
  virtual void record(const ProfileEvent& event) = 0;

  // The clock every event uses.
  static uint64_t now_ns() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }
};

}  // namespace ember
