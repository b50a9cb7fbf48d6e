#include "kernels/portable/util/dim_args.h"

#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/op_args.h"

namespace ember::kernels {

bool dim_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, size_t rank,
             size_t* out) {
  int64_t dim = 0;
  return int_arg(ctx, args, i, op, name, &dim) && normalize_dim(ctx, op, name, dim, rank, out);
}

bool optional_int_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                           ArrayRef<int64_t>* out, bool* present) {
  *present = !args[i]->is_none();
  if (!*present) {
    *out = {};
    return true;
  }
  return int_list_arg(ctx, args, i, op, name, out);
}

bool optional_double_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                              ArrayRef<double>* out, bool* present) {
  const EValue& v = *args[i];
  *present = !v.is_none();
  if (!*present) {
    *out = {};
    return true;
  }
  if (!v.is_double_list()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected None or a float list, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *out = v.to_double_list();
  return true;
}

bool tensor_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                     ArrayRef<Tensor>* out) {
  const EValue& v = *args[i];
  if (!v.is_tensor_list()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a tensor list, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  // The boxed list re-reads its items; each must be a tensor with an impl.
  const BoxedEValueList<Tensor>& boxed = v.boxed_tensor_list();
  for (size_t k = 0; k < boxed.size(); ++k) {
    const EValue* item = boxed.wrapped()[k];
    if (item == nullptr || !item->is_tensor() || item->to_tensor().impl() == nullptr) {
      ctx.fail(Error::InvalidArgument, "%s: %s: item %zu is not a Tensor", op, name, k);
      return false;
    }
  }
  *out = v.to_tensor_list();
  return true;
}

bool check_same_dtype(KernelRuntimeContext& ctx, const char* op, const char* out_name, const Tensor& out,
                      const Tensor& in, const char* in_name) {
  if (out.scalar_type() != in.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s differs from %s's %s", op, out_name,
             scalar_type_name(out.scalar_type()), in_name, scalar_type_name(in.scalar_type()));
    return false;
  }
  return true;
}

bool check_copyable(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (t.element_size() == 0) {
    ctx.fail(Error::InvalidArgument, "%s: %s: invalid dtype", op, name);
    return false;
  }
  return true;
}

}  // namespace ember::kernels
