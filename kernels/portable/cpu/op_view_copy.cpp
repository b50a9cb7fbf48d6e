// aten::view_copy.out: the same elements in row-major order under a new
// shape (one size may be -1 and is inferred). Registered for the contiguous
// dim order only, as in ExecuTorch.
#include <cstdint>
#include <cstring>

#include "kernels/portable/cpu/portable_ops.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"
#include "runtime/core/view_sizes.h"

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
  const size_t numel = self.numel();
  SizesType sizes[kTensorDimensionLimit];
  if (infer_view_sizes(size, numel, sizes) != Error::Ok) {
    ctx.fail(Error::InvalidArgument, "%s: size: %s", op, error_message());
    return;
  }
  if (!kernels::resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, size.size()))) return;
  if (numel > 0 && out.const_data_ptr() != self.const_data_ptr()) {
    std::memmove(out.mutable_data_ptr(), self.const_data_ptr(), self.nbytes());
  }
}

}  // namespace ember::portable
