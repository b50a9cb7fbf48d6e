// quant_bench: embedding_byte.out throughput vs memcpy, one thread.
//
// A [rows x dim] int8 table (64 MiB by default, far larger than the caches)
// with per-row float scales and zero points is gathered with random int64
// indices into a float32 output; the same number of output bytes is then
// copied with memcpy. Both run many times, alternately; the medians are compared:
// the kernel should reach at least half of memcpy's output bytes per second.
//
//   quant_bench [rows] [dim] [num_indices] [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/quantized/register_quantized_kernels.h"
#include "runtime/core/evalue.h"
#include "runtime/kernel/kernel_registry.h"

namespace {

// A contiguous tensor over caller-owned data (the vectors outlive the impl).
struct HostTensor {
  std::vector<ember::SizesType> sizes;
  std::vector<ember::DimOrderType> dim_order;
  std::vector<ember::StridesType> strides;
  ember::TensorImpl impl;

  HostTensor(ember::ScalarType type, std::vector<ember::SizesType> s, void* data)
      : sizes(std::move(s)), dim_order(sizes.size()), strides(sizes.size()) {
    for (size_t d = 0; d < sizes.size(); ++d) dim_order[d] = static_cast<ember::DimOrderType>(d);
    impl = ember::TensorImpl(type, sizes.size(), sizes.data(), data, dim_order.data(), strides.data());
  }
  ember::EValue value() { return ember::EValue(ember::Tensor(&impl)); }
};

template <typename F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(t1 - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long arg_or(int argc, char** argv, int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; }

}  // namespace

int main(int argc, char** argv) {
  const long rows = arg_or(argc, argv, 1, 32768);
  const long dim = arg_or(argc, argv, 2, 2048);
  const long count = arg_or(argc, argv, 3, 4096);
  const int repeats = static_cast<int>(arg_or(argc, argv, 4, 21));
  if (rows <= 0 || dim <= 0 || count <= 0 || repeats <= 0) {
    std::fprintf(stderr, "usage: quant_bench [rows] [dim] [num_indices] [repeats] (all > 0)\n");
    return 2;
  }

  ember::KernelRegistry registry;
  if (ember::register_quantized_kernels(registry) != ember::Error::Ok) return 1;
  auto fn = registry.find("quantized_decomposed::embedding_byte.out", {});
  if (!fn.ok()) return 1;

  std::mt19937_64 gen(1234);
  std::vector<int8_t> table(static_cast<size_t>(rows * dim));
  for (size_t i = 0; i < table.size(); i += 8) {
    const uint64_t r = gen();
    std::memcpy(&table[i], &r, std::min<size_t>(8, table.size() - i));
  }
  std::vector<float> scales(static_cast<size_t>(rows)), zero_points(static_cast<size_t>(rows));
  std::uniform_real_distribution<float> sd(0.001f, 0.05f), zd(-4.f, 4.f);
  for (long r = 0; r < rows; ++r) {
    scales[r] = sd(gen);
    zero_points[r] = zd(gen);
  }
  std::vector<int64_t> indices(static_cast<size_t>(count));
  std::uniform_int_distribution<int64_t> id(0, rows - 1);
  for (int64_t& v : indices) v = id(gen);
  std::vector<float> out(static_cast<size_t>(count * dim)), src(out.size(), 1.0f), dst(out.size());

  HostTensor w(ember::ScalarType::Char, {static_cast<ember::SizesType>(rows), static_cast<ember::SizesType>(dim)},
               table.data());
  HostTensor s(ember::ScalarType::Float, {static_cast<ember::SizesType>(rows)}, scales.data());
  HostTensor z(ember::ScalarType::Float, {static_cast<ember::SizesType>(rows)}, zero_points.data());
  HostTensor idx(ember::ScalarType::Long, {static_cast<ember::SizesType>(count)}, indices.data());
  HostTensor o(ember::ScalarType::Float, {static_cast<ember::SizesType>(count), static_cast<ember::SizesType>(dim)},
               out.data());
  ember::EValue values[] = {w.value(), s.value(), z.value(), ember::EValue(int64_t{-128}), ember::EValue(int64_t{127}),
                            idx.value(), o.value(), o.value()};
  ember::EValue* args[8];
  for (int i = 0; i < 8; ++i) args[i] = &values[i];

  // The two are timed alternately, so load from other processes on a shared
  // machine hits both alike.
  bool failed = false;
  std::vector<double> embed_times, copy_times;
  for (int r = 0; r < repeats; ++r) {
    embed_times.push_back(seconds([&] {
      ember::KernelRuntimeContext ctx;
      (*fn)(ctx, ember::Span<ember::EValue*>(args, 8));
      failed = failed || ctx.failure_state() != ember::Error::Ok;
    }));
    copy_times.push_back(seconds([&] {
      std::memcpy(dst.data(), src.data(), dst.size() * sizeof(float));
      // Keep the copy observable so it is not elided.
      asm volatile("" : : "r"(dst.data()) : "memory");
    }));
  }
  if (failed) {
    std::fprintf(stderr, "embedding_byte failed\n");
    return 1;
  }
  const double t_embed = median(embed_times);
  const double t_copy = median(copy_times);

  // Spot-check one element against the formula.
  const size_t k = static_cast<size_t>(count / 2) * static_cast<size_t>(dim) + static_cast<size_t>(dim / 3);
  const size_t row = static_cast<size_t>(indices[static_cast<size_t>(count / 2)]);
  const float want = (static_cast<float>(table[row * dim + dim / 3]) - zero_points[row]) * scales[row];
  if (out[k] != want) {
    std::fprintf(stderr, "wrong value at %zu: %g vs %g\n", k, out[k], want);
    return 1;
  }

  const double out_bytes = static_cast<double>(out.size() * sizeof(float));
  const double gbs_embed = out_bytes / t_embed / 1e9;
  const double gbs_copy = out_bytes / t_copy / 1e9;
  std::printf("table %ld x %ld int8 (%.1f MiB), %ld random int64 indices, float32 out %.1f MiB, %d runs, 1 thread\n",
              rows, dim, static_cast<double>(table.size()) / (1 << 20), count, out_bytes / (1 << 20), repeats);
  std::printf("embedding_byte  median %8.3f ms  %7.2f GB/s of output\n", t_embed * 1e3, gbs_embed);
  std::printf("memcpy          median %8.3f ms  %7.2f GB/s\n", t_copy * 1e3, gbs_copy);
  std::printf("ratio embedding/memcpy: %.2f (floor 0.50) %s\n", gbs_embed / gbs_copy,
              gbs_embed / gbs_copy >= 0.5 ? "PASS" : "FAIL");
  return 0;
}
