// aten::mm.out, aten::bmm.out, aten::addmm.out on the shared SGEMM; mm and
// bmm also in int32 (a plain loop: ONNX's MatMulInteger needs exact sums).
#include <algorithm>
#include <cstdint>

#include "kernels/portable/cpu/gemm_ops.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/gemm.h"
#include "kernels/portable/util/kernel_args.h"

namespace ember::portable {
namespace {

bool check_rank(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t, size_t rank) {
  if (t.dim() != rank) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a %zu-D tensor, got %zu-D", op, name, rank, t.dim());
    return false;
  }
  return true;
}

// Checks self (… x m x k), mat2 (… x k x n) and out, and resizes out.
bool prepare_matmul(KernelRuntimeContext& ctx, const char* op, const char* self_name, const Tensor& self,
                    const Tensor& mat2, const Tensor& out, size_t rank, bool allow_int) {
  if (!check_rank(ctx, op, self_name, self, rank) || !check_rank(ctx, op, "mat2", mat2, rank) ||
      !check_gemm_dtype(ctx, op, self_name, self, out, allow_int) ||
      !check_gemm_dtype(ctx, op, "mat2", mat2, out, allow_int)) {
    return false;
  }
  char a[64], b[64];
  if (self.size(rank - 1) != mat2.size(rank - 2) || (rank == 3 && self.size(0) != mat2.size(0))) {
    ctx.fail(Error::InvalidArgument, "%s: mat2: shape %s cannot be multiplied with %s %s", op,
             kernels::format_sizes(mat2.sizes(), b, sizeof(b)), self_name,
             kernels::format_sizes(self.sizes(), a, sizeof(a)));
    return false;
  }
  SizesType sizes[3];
  for (size_t d = 0; d + 1 < rank; ++d) sizes[d] = self.size(d);
  sizes[rank - 1] = mat2.size(rank - 1);
  return kernels::resize_out(ctx, op, out, {sizes, rank});
}

kernels::GemmProblem matmul_problem(const float* a, const float* b, float* c, size_t m, size_t n, size_t k) {
  kernels::GemmProblem p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.a = {a, static_cast<ptrdiff_t>(k), 1};
  p.b = {b, static_cast<ptrdiff_t>(n), 1};
  p.c = c;
  p.ldc = static_cast<ptrdiff_t>(n);
  return p;
}

// Int32 products with exact int32 accumulation; unsigned arithmetic makes
// the wrap on overflow defined (the two's-complement result ONNX specifies).
void run_batched_int32(const Tensor& self, const Tensor& mat2, const Tensor& out, size_t batches, size_t m, size_t n,
                       size_t k) {
  const int32_t* a = self.const_data_ptr<int32_t>();
  const int32_t* b = mat2.const_data_ptr<int32_t>();
  int32_t* c = out.mutable_data_ptr<int32_t>();
  for (size_t bi = 0; bi < batches; ++bi) {
    for (size_t i = 0; i < m; ++i) {
      int32_t* c_row = c + (bi * m + i) * n;
      std::fill_n(c_row, n, 0);
      const int32_t* a_row = a + (bi * m + i) * k;
      for (size_t p = 0; p < k; ++p) {
        const uint32_t av = static_cast<uint32_t>(a_row[p]);
        const int32_t* b_row = b + (bi * k + p) * n;
        for (size_t j = 0; j < n; ++j) {
          c_row[j] = static_cast<int32_t>(static_cast<uint32_t>(c_row[j]) + av * static_cast<uint32_t>(b_row[j]));
        }
      }
    }
  }
}

void run_batched(KernelRuntimeContext& ctx, const Tensor& self, const Tensor& mat2, const Tensor& out, size_t batches) {
  const size_t rank = self.dim();
  const size_t m = static_cast<size_t>(self.size(rank - 2));
  const size_t k = static_cast<size_t>(self.size(rank - 1));
  const size_t n = static_cast<size_t>(mat2.size(rank - 1));
  if (out.scalar_type() == ScalarType::Int) {
    run_batched_int32(self, mat2, out, batches, m, n, k);
    return;
  }
  const size_t threads = kernels::gemm_num_threads(m, n, k, ctx.thread_pool());
  void* ws = gemm_scratch(ctx, kernels::gemm_workspace_bytes(m, n, k, threads));
  for (size_t b = 0; b < batches; ++b) {
    kernels::GemmProblem p =
        matmul_problem(self.const_data_ptr<float>() + b * m * k, mat2.const_data_ptr<float>() + b * k * n,
                       out.mutable_data_ptr<float>() + b * m * n, m, n, k);
    kernels::gemm(p, ctx.thread_pool(), ws);
  }
}

}  // namespace

void mm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::mm.out";
  Tensor self, mat2, out;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 1, op, "mat2", &mat2) || !kernels::tensor_arg(ctx, args, 2, op, "out", &out) ||
      !prepare_matmul(ctx, op, "self", self, mat2, out, 2, true)) {
    return;
  }
  run_batched(ctx, self, mat2, out, 1);
}

void bmm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::bmm.out";
  Tensor self, mat2, out;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 1, op, "mat2", &mat2) || !kernels::tensor_arg(ctx, args, 2, op, "out", &out) ||
      !prepare_matmul(ctx, op, "self", self, mat2, out, 3, true)) {
    return;
  }
  run_batched(ctx, self, mat2, out, static_cast<size_t>(self.size(0)));
}

void addmm_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::addmm.out";
  Tensor bias, mat1, mat2, out;
  const EValue* beta_v = nullptr;
  const EValue* alpha_v = nullptr;
  if (!kernels::check_arg_count(ctx, args, 7, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &bias) ||
      !kernels::tensor_arg(ctx, args, 1, op, "mat1", &mat1) || !kernels::tensor_arg(ctx, args, 2, op, "mat2", &mat2) ||
      !kernels::scalar_arg(ctx, args, 3, op, "beta", &beta_v) ||
      !kernels::scalar_arg(ctx, args, 4, op, "alpha", &alpha_v) ||
      !kernels::tensor_arg(ctx, args, 5, op, "out", &out) || !check_float32(ctx, op, "self", bias)) {
    return;
  }
  if (bias.dim() > 2) {
    ctx.fail(Error::InvalidArgument, "%s: self: expected at most 2 dims, got %zu", op, bias.dim());
    return;
  }
  if (!check_float32(ctx, op, "out", out) || !prepare_matmul(ctx, op, "mat1", mat1, mat2, out, 2, false)) return;
  const size_t m = static_cast<size_t>(out.size(0));
  const size_t n = static_cast<size_t>(out.size(1));
  // self broadcasts to [m, n] (right-aligned, each size equal or 1).
  const SizesType full[2] = {out.size(0), out.size(1)};
  for (size_t d = 0; d < bias.dim(); ++d) {
    const SizesType s = bias.size(d);
    const SizesType want = full[2 - bias.dim() + d];
    if (s != want && s != 1) {
      char a[64], b[64];
      ctx.fail(Error::InvalidArgument, "%s: self: shape %s does not broadcast to %s", op,
               kernels::format_sizes(bias.sizes(), a, sizeof(a)), kernels::format_sizes({full, 2}, b, sizeof(b)));
      return;
    }
  }
  int64_t strides[kTensorDimensionLimit] = {};
  kernels::element_strides(bias, strides);
  const int64_t row_stride = bias.dim() == 2 ? strides[0] : 0;
  const int64_t col_stride = bias.dim() >= 1 ? strides[bias.dim() - 1] : 0;

  const float beta = static_cast<float>(beta_v->scalar_as_double());
  const float alpha = static_cast<float>(alpha_v->scalar_as_double());
  float* c = out.mutable_data_ptr<float>();
  const float* bias_data = bias.const_data_ptr<float>();
  // out = beta·self first (beta == 0 ignores self, NaN included, as ATen),
  // then the GEMM adds alpha·mat1·mat2 in place.
  for (size_t i = 0; i < m; ++i) {
    float* row = c + i * n;
    if (beta == 0.0f) {
      std::fill_n(row, n, 0.0f);
      continue;
    }
    const float* brow = bias_data + static_cast<int64_t>(i) * row_stride;
    for (size_t j = 0; j < n; ++j) row[j] = beta * brow[static_cast<int64_t>(j) * col_stride];
  }
  const size_t k = static_cast<size_t>(mat1.size(1));
  kernels::GemmProblem p = matmul_problem(mat1.const_data_ptr<float>(), mat2.const_data_ptr<float>(), c, m, n, k);
  p.alpha = alpha;
  p.accumulate = true;
  const size_t threads = kernels::gemm_num_threads(m, n, k, ctx.thread_pool());
  kernels::gemm(p, ctx.thread_pool(), gemm_scratch(ctx, kernels::gemm_workspace_bytes(m, n, k, threads)));
}

}  // namespace ember::portable
