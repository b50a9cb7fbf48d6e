// Copies that keep the shape: aten::clone.out, aten::_to_copy.out,
// dim_order_ops::_to_dim_order_copy.out and _clone_dim_order.out. The out
// tensor's dtype and dim order decide the result's; values keep their logical
// positions whatever the two layouts are. Half and BFloat16 are converted
// through double, narrowing with round-to-nearest-even.
#include <cstring>

#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/strided_view.h"
#include "runtime/core/half_float.h"

namespace ember::portable {
namespace {

// ATen's MemoryFormat values as they appear in programs.
constexpr int64_t kContiguousFormat = 0;
constexpr int64_t kPreserveFormat = 1;

bool is_float16(ScalarType t) { return t == ScalarType::Half || t == ScalarType::BFloat16; }

using LoadDouble = double (*)(const char*);
using StoreDouble = void (*)(double, char*);

template <typename T>
double load_double(const char* p) {
  if constexpr (std::is_same_v<T, bool>) {
    return *reinterpret_cast<const uint8_t*>(p) != 0 ? 1.0 : 0.0;
  } else {
    return static_cast<double>(*reinterpret_cast<const T*>(p));
  }
}

template <typename T>
void store_double(double v, char* p) {
  *reinterpret_cast<T*>(p) = kernels::convert<T>(v);
}

uint16_t bits_at(const char* p) {
  uint16_t bits;
  std::memcpy(&bits, p, sizeof(bits));
  return bits;
}

LoadDouble double_loader(ScalarType t) {
  if (t == ScalarType::Half) return [](const char* p) { return static_cast<double>(half_to_float(bits_at(p))); };
  if (t == ScalarType::BFloat16) return [](const char* p) { return static_cast<double>(bfloat16_to_float(bits_at(p))); };
  LoadDouble fn = nullptr;
  kernels::dispatch_real_bool(t, [&](auto tag) { fn = &load_double<typename decltype(tag)::type>; });
  return fn;
}

StoreDouble double_storer(ScalarType t) {
  if (t == ScalarType::Half) {
    return [](double v, char* p) {
      const uint16_t bits = half_from_double(v);
      std::memcpy(p, &bits, sizeof(bits));
    };
  }
  if (t == ScalarType::BFloat16) {
    return [](double v, char* p) {
      const uint16_t bits = bfloat16_from_double(v);
      std::memcpy(p, &bits, sizeof(bits));
    };
  }
  StoreDouble fn = nullptr;
  kernels::dispatch_real_bool(t, [&](auto tag) { fn = &store_double<typename decltype(tag)::type>; });
  return fn;
}

// Converts between dtypes of which one is Half or BFloat16 (every double
// conversion of the others is exact or is what ATen does), visiting the
// logical positions of both layouts in row-major order.
void copy_float16(const Tensor& self, const Tensor& out) {
  const kernels::StridedView src = kernels::StridedView::of(self), dst = kernels::StridedView::of(out);
  const LoadDouble load = double_loader(self.scalar_type());
  const StoreDouble store = double_storer(out.scalar_type());
  int64_t index[kTensorDimensionLimit] = {};
  int64_t from = 0, to = 0;
  const int64_t n = src.numel();
  for (int64_t i = 0; i < n; ++i) {
    store(load(src.at(from)), dst.at(to));
    for (size_t d = src.ndim; d-- > 0;) {
      from += src.strides[d];
      to += dst.strides[d];
      if (++index[d] < src.sizes[d]) break;
      from -= src.strides[d] * src.sizes[d];
      to -= dst.strides[d] * dst.sizes[d];
      index[d] = 0;
    }
  }
}

// Copies self into out (already sized like self), converting dtypes.
void copy_values(const Tensor& self, const Tensor& out) {
  if (out.numel() == 0) return;
  if (self.scalar_type() == out.scalar_type() && kernels::same_layout(self, out)) {
    if (self.const_data_ptr() != out.const_data_ptr()) {
      std::memmove(out.mutable_data_ptr(), self.const_data_ptr(), out.nbytes());
    }
    return;
  }
  if (self.scalar_type() == out.scalar_type() && is_float16(out.scalar_type())) {
    kernels::copy_view(kernels::StridedView::of(out), kernels::StridedView::of(self));
    return;
  }
  if (is_float16(self.scalar_type()) || is_float16(out.scalar_type())) {
    copy_float16(self, out);
    return;
  }
  kernels::dispatch_real_bool(out.scalar_type(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor in[] = {self};
    kernels::apply_elementwise<T>(in, out, [](T x) -> T { return x; });
  });
}

// Shared checks of every copy: tags were read; dtypes supported; out sized.
bool prepare_copy(KernelRuntimeContext& ctx, const char* op, const Tensor& self, const Tensor& out, bool same_dtype) {
  if ((!is_float16(self.scalar_type()) && !kernels::check_real_or_bool(ctx, op, "self", self)) ||
      (!is_float16(out.scalar_type()) && !kernels::check_real_or_bool(ctx, op, "out", out))) {
    return false;
  }
  if (same_dtype && self.scalar_type() != out.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s differs from self's %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(self.scalar_type()));
    return false;
  }
  return kernels::resize_out(ctx, op, out, self.sizes());
}

// memory_format: None, or contiguous_format / preserve_format (what
// ExecuTorch's portable kernels accept; other layouts are spelled through
// the out tensor's dim order). contiguous_format requires a contiguous out.
bool check_memory_format(KernelRuntimeContext& ctx, const char* op, const EValue& v, const Tensor& out) {
  if (v.is_none()) return true;
  if (!v.is_int()) {
    ctx.fail(Error::InvalidArgument, "%s: memory_format: expected None or an Int, got %s", op, tag_name(v.tag()));
    return false;
  }
  const int64_t format = v.to_int();
  if (format != kContiguousFormat && format != kPreserveFormat) {
    ctx.fail(Error::NotSupported, "%s: memory_format: %lld is not supported (only contiguous or preserve)", op,
             static_cast<long long>(format));
    return false;
  }
  if (format == kContiguousFormat && !out.is_contiguous_dim_order()) {
    ctx.fail(Error::InvalidArgument, "%s: memory_format: contiguous_format asked, but out is not contiguous", op);
    return false;
  }
  return true;
}

// dim_order: None, or a list equal to out's dim order.
bool check_dim_order_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const Tensor& out) {
  if (args[i]->is_none()) return true;
  ArrayRef<int64_t> order;
  if (!kernels::int_list_arg(ctx, args, i, op, "dim_order", &order)) return false;
  bool equal = order.size() == out.dim();
  const DimOrderType* out_order = out.dim_order().data();
  for (size_t d = 0; equal && d < order.size(); ++d) {
    equal = order[d] == static_cast<int64_t>(out_order != nullptr ? out_order[d] : d);
  }
  if (!equal) {
    ctx.fail(Error::InvalidArgument, "%s: dim_order: does not match out's dim order (%zu entries, out rank %zu)", op,
             order.size(), out.dim());
    return false;
  }
  return true;
}

// [self, non_blocking, dim_order, out, ret]
void dim_order_copy(KernelRuntimeContext& ctx, Span<EValue*> args, const char* op, bool same_dtype) {
  Tensor self;
  Tensor out;
  bool non_blocking = false;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::bool_arg(ctx, args, 1, op, "non_blocking", &non_blocking) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out) || !check_dim_order_arg(ctx, args, 2, op, out) ||
      !prepare_copy(ctx, op, self, out, same_dtype)) {
    return;
  }
  copy_values(self, out);
}

}  // namespace

void clone_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::clone.out";
  Tensor self;
  Tensor out;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::tensor_arg(ctx, args, 2, op, "out", &out) || !check_memory_format(ctx, op, *args[1], out) ||
      !prepare_copy(ctx, op, self, out, /*same_dtype=*/true)) {
    return;
  }
  copy_values(self, out);
}

void to_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::_to_copy.out";
  Tensor self;
  Tensor out;
  bool non_blocking = false;
  if (!kernels::check_arg_count(ctx, args, 5, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::bool_arg(ctx, args, 1, op, "non_blocking", &non_blocking) ||
      !kernels::tensor_arg(ctx, args, 3, op, "out", &out) || !check_memory_format(ctx, op, *args[2], out) ||
      !prepare_copy(ctx, op, self, out, /*same_dtype=*/false)) {
    return;
  }
  copy_values(self, out);
}

void to_dim_order_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  dim_order_copy(ctx, args, "dim_order_ops::_to_dim_order_copy.out", /*same_dtype=*/false);
}

void clone_dim_order_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  dim_order_copy(ctx, args, "dim_order_ops::_clone_dim_order.out", /*same_dtype=*/true);
}

}  // namespace ember::portable
