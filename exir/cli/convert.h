// The converter pipeline shared by the CLI and the tests:
// ONNX → IR → fold constants → [xnnpack: prepare Q/DQ, partition] → lower
// the rest to portable kernels → plan → emit.
// Throws exir::Error with one clear message on any failure.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "exir/import/onnx/onnx_importer.h"

namespace exir {

struct ConvertOptions {
  OnnxImportOptions import;
  std::string backend = "portable";
  // Called with the pass name and the printed IR after each pass (--dump-ir).
  std::function<void(const std::string& pass, const std::string& ir)> dump;
  // Set: the program is streamed here and ConvertResult::pte stays empty
  // (large models are then never held in memory twice).
  std::ostream* output = nullptr;
  // Called with the stage name as each stage ends (progress of long conversions).
  std::function<void(const std::string& stage)> progress;
};

struct ConvertResult {
  std::vector<uint8_t> pte;
  size_t num_kernel_calls = 0;
  // Tensors written as DYNAMIC_BOUND (--input-shape NAME=1..8x128).
  size_t num_dynamic_tensors = 0;
  uint64_t arena_bytes = 0;
  uint64_t naive_bytes = 0;
  // --backend xnnpack: delegate blobs (partitions), XNNPACK nodes in each,
  // and "<node>: <reason>" for every IR node left outside (--explain).
  size_t num_delegates = 0;
  std::vector<size_t> delegated_units;
  std::vector<std::string> not_delegated;
};

ConvertResult convert_onnx(const std::string& path, const ConvertOptions& options);

}  // namespace exir
