// The XNNPACK partitioner: asks the capability table (through
// xnnpack_translate.h) which quantized units XNNPACK runs, groups them into
// maximal convex partitions (no path leaves a partition and re-enters it
// through a node that is not delegated), writes each partition as an
// XH00/XN01 blob and replaces its nodes in the graph with one node
// `ember.XnnpackDelegate` (attribute "delegate": the blob's index) whose
// inputs and outputs are the partition's externals, in the order the blob
// binds them (inputs, then outputs).
//
// At partition edges 4-D tensors are transposed NCHW <-> NHWC and uint8
// tensors converted to int8 with zero point - 128 (and back).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exir/ir/graph.h"

namespace exir {

struct PartitionResult {
  std::vector<std::vector<uint8_t>> blobs;  // one per partition
  std::vector<size_t> nodes_per_partition;  // XNNPACK nodes of the units, per blob
  std::vector<std::string> not_delegated;   // "<node>: <reason>", one per IR node left outside
};

PartitionResult partition_xnnpack(Graph& g);

// The op name of a delegate node.
constexpr const char* kDelegateOp = "XnnpackDelegate";
constexpr const char* kDelegateDomain = "ember";

}  // namespace exir
