#include "kernels/portable/util/kernel_args.h"

#include <cstdio>

#include "kernels/portable/util/scalar_type_util.h"

namespace ember::kernels {

bool check_arg_count(KernelRuntimeContext& ctx, Span<EValue*> args, size_t expected, const char* op) {
  return check_arg_count_between(ctx, args, expected, expected, op);
}

bool check_arg_count_between(KernelRuntimeContext& ctx, Span<EValue*> args, size_t min_count, size_t max_count,
                             const char* op) {
  if (args.size() < min_count || args.size() > max_count) {
    if (min_count == max_count) {
      ctx.fail(Error::InvalidArgument, "%s: expected %zu arguments, got %zu", op, min_count, args.size());
    } else {
      ctx.fail(Error::InvalidArgument, "%s: expected %zu to %zu arguments, got %zu", op, min_count, max_count,
               args.size());
    }
    return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == nullptr) {
      ctx.fail(Error::InvalidArgument, "%s: argument %zu is null", op, i);
      return false;
    }
  }
  return true;
}

bool tensor_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                Tensor* out) {
  const EValue& v = *args[i];
  if (!v.is_tensor() || v.to_tensor().impl() == nullptr) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a Tensor, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *out = v.to_tensor();
  return true;
}

bool scalar_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                const EValue** out) {
  const EValue& v = *args[i];
  if (!v.is_scalar()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a Scalar (Int, Double or Bool), got %s", op, name,
             tag_name(v.tag()));
    return false;
  }
  *out = &v;
  return true;
}

bool bool_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
              bool* out) {
  const EValue& v = *args[i];
  if (!v.is_bool()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a Bool, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  *out = v.to_bool();
  return true;
}

bool int_list_arg(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name,
                  ArrayRef<int64_t>* out) {
  const EValue& v = *args[i];
  if (!v.is_int_list()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected an int list, got %s", op, name, tag_name(v.tag()));
    return false;
  }
  // A boxed list re-reads its items; each must still be an Int.
  const BoxedEValueList<int64_t>& boxed = v.boxed_int_list();
  for (size_t k = 0; k < boxed.size(); ++k) {
    const EValue* item = boxed.wrapped()[k];
    if (item == nullptr || !item->is_int()) {
      ctx.fail(Error::InvalidArgument, "%s: %s: item %zu is not an Int", op, name, k);
      return false;
    }
  }
  *out = v.to_int_list();
  return true;
}

bool check_real_or_bool(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (!is_real_or_bool(t.scalar_type())) {
    ctx.fail(Error::InvalidArgument, "%s: %s: dtype %s is not supported", op, name, scalar_type_name(t.scalar_type()));
    return false;
  }
  return true;
}

bool resize_out(KernelRuntimeContext& ctx, const char* op, const Tensor& out, ArrayRef<SizesType> sizes) {
  char want[192];
  if (sizes.size() != out.dim()) {
    ctx.fail(Error::InvalidArgument, "%s: out: rank %zu, the result has shape %s", op, out.dim(),
             format_sizes(sizes, want, sizeof(want)));
    return false;
  }
  if (out.impl()->resize(sizes) != Error::Ok) {
    ctx.fail(Error::InvalidArgument, "%s: out: cannot resize to %s: %s", op, format_sizes(sizes, want, sizeof(want)),
             error_message());
    return false;
  }
  return true;
}

bool check_contiguous(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (!t.is_contiguous_dim_order()) {
    ctx.fail(Error::NotSupported, "%s: %s: only the contiguous dim order is supported", op, name);
    return false;
  }
  return true;
}

const char* format_sizes(ArrayRef<SizesType> sizes, char* buf, size_t capacity) {
  if (capacity == 0) return buf;
  size_t used = 0;
  buf[0] = '\0';
  auto append = [&](const char* sep, const char* text) {
    if (used + 1 >= capacity) return;
    int n = std::snprintf(buf + used, capacity - used, "%s%s", sep, text);
    if (n > 0) used += static_cast<size_t>(n) < capacity - used ? static_cast<size_t>(n) : capacity - used - 1;
  };
  append("", "[");
  for (size_t i = 0; i < sizes.size(); ++i) {
    char num[16];
    std::snprintf(num, sizeof(num), "%d", static_cast<int>(sizes[i]));
    append(i ? ", " : "", num);
  }
  append("", "]");
  return buf;
}

}  // namespace ember::kernels
