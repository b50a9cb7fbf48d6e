// aten::view_copy.out: the same elements in row-major order under a new
// shape (one size may be -1 and is inferred). Registered for the contiguous
// dim order only, as in ExecuTorch.
#include <cstdint>
#include <cstring>

#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"

namespace ember::portable {

void view_copy_out(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::view_copy.out";
  Tensor self;
  Tensor out;
  ArrayRef<int64_t> size;
  if (!kernels::check_arg_count(ctx, args, 4, op) || !kernels::tensor_arg(ctx, args, 0, op, "self", &self) ||
      !kernels::int_list_arg(ctx, args, 1, op, "size", &size) || !kernels::tensor_arg(ctx, args, 2, op, "out", &out)) {
    return;
  }
  if (out.scalar_type() != self.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s differs from self's %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(self.scalar_type()));
    return;
  }
  if (self.element_size() == 0) {
    ctx.fail(Error::InvalidArgument, "%s: self: invalid dtype", op);
    return;
  }
  if (!kernels::check_contiguous(ctx, op, "self", self) || !kernels::check_contiguous(ctx, op, "out", out)) return;
  if (size.size() > kTensorDimensionLimit) {
    ctx.fail(Error::InvalidArgument, "%s: size: %zu entries exceed the rank limit", op, size.size());
    return;
  }
  SizesType sizes[kTensorDimensionLimit];
  size_t known = 1;
  size_t infer_at = size.size();
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == -1 && infer_at == size.size()) {
      infer_at = i;
      sizes[i] = 0;
      continue;
    }
    if (size[i] < 0 || size[i] > INT32_MAX || !checked_mul(known, static_cast<size_t>(size[i]), &known)) {
      ctx.fail(Error::InvalidArgument, "%s: size: entry %zu (%lld) is invalid", op, i, static_cast<long long>(size[i]));
      return;
    }
    sizes[i] = static_cast<SizesType>(size[i]);
  }
  const size_t numel = self.numel();
  if (infer_at != size.size()) {
    if (known == 0 || numel % known != 0 || numel / known > INT32_MAX) {
      ctx.fail(Error::InvalidArgument, "%s: size: cannot infer dim %zu for %zu elements", op, infer_at, numel);
      return;
    }
    sizes[infer_at] = static_cast<SizesType>(numel / known);
    known = numel;
  }
  if (known != numel) {
    ctx.fail(Error::InvalidArgument, "%s: size: %zu elements requested, self has %zu", op, known, numel);
    return;
  }
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, size.size()))) return;
  if (numel > 0 && out.const_data_ptr() != self.const_data_ptr()) {
    std::memmove(out.mutable_data_ptr(), self.const_data_ptr(), self.nbytes());
  }
}

}  // namespace ember::portable
