// kernel_bench: GFLOP/s of the portable mm / addmm / convolution kernels on
// the issue-3 speed-floor shapes, called through their registered entry
// points, next to XNNPACK fp32 operators on the same shapes and threads.
//
//   kernel_bench [--min-time SECONDS] [--threads 1,2] [--kernel avx512f|avx2+fma|generic]
//
// --kernel overrides the GEMM micro-kernel the CPU dispatch would pick.
// Each case runs a few warm-ups, then alternates ember and XNNPACK runs until
// each has run --min-time seconds (default 1) and at least 20 times, and
// reports each one's median run. Outputs of
// both libraries are compared (max relative difference) as a sanity check.
#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/portable/register_portable_kernels.h"
#include "kernels/portable/util/gemm.h"
#include "runtime/core/evalue.h"
#include "runtime/core/memory_allocator.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/kernel/kernel_runtime_context.h"
#include "runtime/kernel/thread_pool.h"

namespace {

using namespace ember;

// A contiguous float tensor that owns its metadata and data.
struct HostTensor {
  explicit HostTensor(std::vector<SizesType> s) : sizes(std::move(s)), order(sizes.size()), strides(sizes.size()) {
    size_t n = 1;
    for (size_t i = 0; i < sizes.size(); ++i) {
      order[i] = static_cast<DimOrderType>(i);
      n *= static_cast<size_t>(sizes[i]);
    }
    data.assign(n, 0.0f);
    impl = std::make_unique<TensorImpl>(ScalarType::Float, sizes.size(), sizes.data(), data.data(), order.data(),
                                        strides.data());
  }
  Tensor tensor() const { return Tensor(impl.get()); }
  std::vector<SizesType> sizes;
  std::vector<DimOrderType> order;
  std::vector<StridesType> strides;
  std::vector<float> data;
  std::unique_ptr<TensorImpl> impl;
};

// An int list EValue with its boxed items.
struct HostIntList {
  explicit HostIntList(std::vector<int64_t> v) : scratch(v.size()) {
    for (int64_t x : v) items.emplace_back(x);
    for (EValue& e : items) ptrs.push_back(&e);
  }
  EValue value() { return EValue(BoxedEValueList<int64_t>(ptrs.data(), scratch.data(), items.size())); }
  std::vector<EValue> items;
  std::vector<EValue*> ptrs;
  std::vector<int64_t> scratch;
};

void fill_random(std::vector<float>& v, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& x : v) x = dist(rng);
}

// Median seconds of `a` and of `b`, run alternately (so a load spike on a
// shared machine hits both alike) until both have run for `min_time` and at
// least 20 times, after 5 warm-ups each.
void paired_medians(const std::function<void()>& a, const std::function<void()>& b, double min_time, double* a_s,
                    double* b_s) {
  for (int i = 0; i < 5; ++i) {
    a();
    b();
  }
  std::vector<double> ta, tb;
  double total = 0;
  auto time = [](const std::function<void()>& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  while (total < 2 * min_time || ta.size() < 20) {
    ta.push_back(time(a));
    tb.push_back(time(b));
    total += ta.back() + tb.back();
  }
  std::sort(ta.begin(), ta.end());
  std::sort(tb.begin(), tb.end());
  *a_s = ta[ta.size() / 2];
  *b_s = tb[tb.size() / 2];
}

double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0, scale = 1e-6;
  for (float x : b) scale = std::max(scale, static_cast<double>(std::fabs(x)));
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]) / scale);
  return worst;
}

struct Row {
  std::string name;
  size_t threads;
  double flops;
  double ember_s;
  double xnn_s;
  double diff;
};

void print_row(const Row& r) {
  const double eg = r.flops / r.ember_s * 1e-9, xg = r.flops / r.xnn_s * 1e-9;
  std::printf("| %s | %zu | %.1f (%.1f) | %.1f (%.1f) | %.2f | %.1e |\n", r.name.c_str(), r.threads, r.ember_s * 1e6,
              eg, r.xnn_s * 1e6, xg, eg / xg, r.diff);
  std::fflush(stdout);
}

// Runs one boxed kernel with a fresh context over the temp buffer.
struct KernelRunner {
  OpFunction fn;
  MemoryAllocator* temp;
  const ThreadPool* pool;
  void operator()(std::vector<EValue*>& args) const {
    temp->reset();
    KernelRuntimeContext ctx(temp, pool);
    fn(ctx, Span<EValue*>(args.data(), args.size()));
    if (ctx.failure_state() != Error::Ok) {
      std::fprintf(stderr, "kernel failed: %s\n", error_message());
      std::exit(1);
    }
  }
};

OpFunction find_kernel(const char* name) {
  Result<OpFunction> fn = KernelRegistry::global().find(name, {});
  if (!fn.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, error_message());
    std::exit(1);
  }
  return *fn;
}

// out = x(64x1024) · w(1024x1024) [+ bias], against XNNPACK fully connected.
Row bench_fc(bool with_bias, const ThreadPool* pool, MemoryAllocator* temp, double min_time) {
  const SizesType m = 64, k = 1024, n = 1024;
  HostTensor x({m, k}), w({k, n}), bias({n}), out({m, n});
  fill_random(x.data, 1);
  fill_random(w.data, 2);
  fill_random(bias.data, 3);
  EValue ex(x.tensor()), ew(w.tensor()), eb(bias.tensor()), eo(out.tensor()), beta(1.0), alpha(1.0);
  std::vector<EValue*> args = with_bias ? std::vector<EValue*>{&eb, &ex, &ew, &beta, &alpha, &eo, &eo}
                                        : std::vector<EValue*>{&ex, &ew, &eo, &eo};
  KernelRunner run{find_kernel(with_bias ? "aten::addmm.out" : "aten::mm.out"), temp, pool};
  Row row{with_bias ? "addmm 64x1024 · 1024x1024 + bias" : "mm 64x1024 · 1024x1024",
          pool->num_threads(),
          2.0 * m * n * k,
          0,
          0,
          0};

  std::vector<float> wt(static_cast<size_t>(n) * k), y(static_cast<size_t>(m) * n);
  for (SizesType i = 0; i < k; ++i)
    for (SizesType j = 0; j < n; ++j) wt[static_cast<size_t>(j) * k + i] = w.data[static_cast<size_t>(i) * n + j];
  xnn_operator_t op = nullptr;
  if (xnn_create_fully_connected_nc_f32(k, n, k, n, wt.data(), with_bias ? bias.data.data() : nullptr, -INFINITY,
                                        INFINITY, 0, &op) != xnn_status_success ||
      xnn_setup_fully_connected_nc_f32(op, m, x.data.data(), y.data(), pool->handle()) != xnn_status_success) {
    std::fprintf(stderr, "XNNPACK fully connected setup failed\n");
    std::exit(1);
  }
  paired_medians([&] { run(args); }, [&] { xnn_run_operator(op, pool->handle()); }, min_time, &row.ember_s, &row.xnn_s);
  xnn_delete_operator(op);
  row.diff = max_rel_diff(out.data, y);
  return row;
}

// 3x3 convolution, 1x64x56x56 -> 64 channels, pad 1, bias; XNNPACK in NHWC.
Row bench_conv(const ThreadPool* pool, MemoryAllocator* temp, double min_time) {
  const SizesType c = 64, h = 56, wd = 56, co = 64, kh = 3, kw = 3;
  HostTensor x({1, c, h, wd}), w({co, c, kh, kw}), bias({co}), out({1, co, h, wd});
  fill_random(x.data, 4);
  fill_random(w.data, 5);
  fill_random(bias.data, 6);
  HostIntList stride({1, 1}), padding({1, 1}), dilation({1, 1}), output_padding({0, 0});
  EValue ex(x.tensor()), ew(w.tensor()), eb(bias.tensor()), eo(out.tensor()), es(stride.value()), ep(padding.value()),
      ed(dilation.value()), eop(output_padding.value()), transposed(false), groups(static_cast<int64_t>(1));
  std::vector<EValue*> args = {&ex, &ew, &eb, &es, &ep, &ed, &transposed, &eop, &groups, &eo, &eo};
  KernelRunner run{find_kernel("aten::convolution.out"), temp, pool};
  Row row{"convolution 3x3 1x64x56x56 -> 64, pad 1", pool->num_threads(), 2.0 * co * h * wd * c * kh * kw, 0, 0, 0};

  // NCHW -> NHWC input, OIHW -> OHWI weights.
  std::vector<float> xin(x.data.size()), wo(w.data.size()), y(out.data.size());
  for (SizesType ci = 0; ci < c; ++ci)
    for (SizesType p = 0; p < h * wd; ++p)
      xin[static_cast<size_t>(p) * c + ci] = x.data[static_cast<size_t>(ci) * h * wd + p];
  for (SizesType o = 0; o < co; ++o)
    for (SizesType ci = 0; ci < c; ++ci)
      for (SizesType r = 0; r < kh * kw; ++r)
        wo[(static_cast<size_t>(o) * kh * kw + r) * c + ci] = w.data[(static_cast<size_t>(o) * c + ci) * kh * kw + r];
  xnn_operator_t op = nullptr;
  if (xnn_create_convolution2d_nhwc_f32(1, 1, 1, 1, kh, kw, 1, 1, 1, 1, 1, c, co, c, co, wo.data(), bias.data.data(),
                                        -INFINITY, INFINITY, 0, &op) != xnn_status_success ||
      xnn_setup_convolution2d_nhwc_f32(op, 1, h, wd, xin.data(), y.data(), pool->handle()) != xnn_status_success) {
    std::fprintf(stderr, "XNNPACK convolution setup failed\n");
    std::exit(1);
  }
  paired_medians([&] { run(args); }, [&] { xnn_run_operator(op, pool->handle()); }, min_time, &row.ember_s, &row.xnn_s);
  xnn_delete_operator(op);
  std::vector<float> y_nchw(y.size());
  for (SizesType o = 0; o < co; ++o)
    for (SizesType p = 0; p < h * wd; ++p)
      y_nchw[static_cast<size_t>(o) * h * wd + p] = y[static_cast<size_t>(p) * co + o];
  row.diff = max_rel_diff(out.data, y_nchw);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  double min_time = 1.0;
  std::vector<size_t> thread_counts = {1, 2};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) {
      min_time = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--kernel") == 0 && i + 1 < argc) {
      if (!kernels::gemm_select_kernel(argv[++i])) {
        std::fprintf(stderr, "GEMM micro-kernel '%s' is unknown or not supported by this CPU\n", argv[i]);
        return 2;
      }
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_counts.clear();
      for (char* tok = std::strtok(argv[++i], ","); tok != nullptr; tok = std::strtok(nullptr, ","))
        thread_counts.push_back(static_cast<size_t>(std::atoi(tok)));
    } else {
      std::fprintf(stderr, "usage: %s [--min-time SECONDS] [--threads 1,2] [--kernel avx512f|avx2+fma|generic]\n",
                   argv[0]);
      return 2;
    }
  }
  if (register_portable_kernels() != Error::Ok || xnn_initialize(nullptr) != xnn_status_success) {
    std::fprintf(stderr, "initialization failed: %s\n", error_message());
    return 1;
  }
  // Temp memory for the kernels' packing buffers (reset before every run).
  std::vector<uint8_t> temp_bytes(size_t{64} << 20);
  MemoryAllocator temp(temp_bytes.size(), temp_bytes.data());
  std::printf("GEMM micro-kernel: %s\n\n", kernels::gemm_kernel_name());
  std::printf("| case | threads | ember µs (GFLOP/s) | XNNPACK µs (GFLOP/s) | ember / XNNPACK | max rel diff |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (size_t threads : thread_counts) {
    Result<ThreadPool*> pool = ThreadPool::create(threads);
    if (!pool.ok()) {
      std::fprintf(stderr, "thread pool: %s\n", error_message());
      return 1;
    }
    std::unique_ptr<ThreadPool> owned(*pool);
    print_row(bench_fc(false, owned.get(), &temp, min_time));
    print_row(bench_fc(true, owned.get(), &temp, min_time));
    print_row(bench_conv(owned.get(), &temp, min_time));
  }
  xnn_deinitialize();
  return 0;
}
