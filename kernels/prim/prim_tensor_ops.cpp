// Prim ops that read or re-shape tensors: sym_size, sym_numel,
// _local_scalar_dense, et_view, et_copy_index.
#include <cstdint>
#include <cstring>

#include "kernels/prim/prim_ops.h"
#include "runtime/core/view_sizes.h"

namespace ember::prim {
namespace {

bool check_count(KernelRuntimeContext& ctx, Span<EValue*> args, size_t n, const char* op) {
  if (args.size() != n) {
    ctx.fail(Error::InvalidArgument, "%s: expected %zu arguments, got %zu", op, n, args.size());
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    if (args[i] == nullptr) {
      ctx.fail(Error::InvalidArgument, "%s: argument %zu is null", op, i);
      return false;
    }
  }
  return true;
}

bool tensor_at(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, Tensor* t) {
  if (!args[i]->is_tensor() || args[i]->to_tensor().impl() == nullptr) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected a Tensor, got %s", op, name, tag_name(args[i]->tag()));
    return false;
  }
  *t = args[i]->to_tensor();
  return true;
}

bool int_at(KernelRuntimeContext& ctx, Span<EValue*> args, size_t i, const char* op, const char* name, int64_t* v) {
  if (!args[i]->is_int()) {
    ctx.fail(Error::InvalidArgument, "%s: %s: expected an Int, got %s", op, name, tag_name(args[i]->tag()));
    return false;
  }
  *v = args[i]->to_int();
  return true;
}

bool contiguous(KernelRuntimeContext& ctx, const char* op, const char* name, const Tensor& t) {
  if (!t.is_contiguous_dim_order()) {
    ctx.fail(Error::NotSupported, "%s: %s: only the contiguous dim order is supported", op, name);
    return false;
  }
  return true;
}

}  // namespace

void sym_size_int(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::sym_size.int";
  Tensor self;
  int64_t dim = 0;
  if (!check_count(ctx, args, 3, op) || !tensor_at(ctx, args, 0, op, "self", &self) ||
      !int_at(ctx, args, 1, op, "dim", &dim)) {
    return;
  }
  const int64_t rank = static_cast<int64_t>(self.dim());
  if (dim < -rank || dim >= rank) {
    ctx.fail(Error::InvalidArgument, "%s: dim: %lld is out of range for rank %lld", op, static_cast<long long>(dim),
             static_cast<long long>(rank));
    return;
  }
  if (dim < 0) dim += rank;
  *args[2] = EValue(static_cast<int64_t>(self.size(static_cast<size_t>(dim))));
}

void sym_numel(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::sym_numel";
  Tensor self;
  if (!check_count(ctx, args, 2, op) || !tensor_at(ctx, args, 0, op, "self", &self)) return;
  *args[1] = EValue(static_cast<int64_t>(self.numel()));
}

void local_scalar_dense(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "aten::_local_scalar_dense";
  Tensor self;
  if (!check_count(ctx, args, 2, op) || !tensor_at(ctx, args, 0, op, "self", &self)) return;
  if (self.numel() != 1) {
    ctx.fail(Error::InvalidArgument, "%s: self: expected one element, got %zu", op, self.numel());
    return;
  }
  const void* p = self.const_data_ptr();
  if (p == nullptr) {
    ctx.fail(Error::InvalidArgument, "%s: self: has no data", op);
    return;
  }
  EValue& out = *args[1];
  switch (self.scalar_type()) {
    case ScalarType::Byte: out = EValue(static_cast<int64_t>(*static_cast<const uint8_t*>(p))); break;
    case ScalarType::Char: out = EValue(static_cast<int64_t>(*static_cast<const int8_t*>(p))); break;
    case ScalarType::Short: out = EValue(static_cast<int64_t>(*static_cast<const int16_t*>(p))); break;
    case ScalarType::Int: out = EValue(static_cast<int64_t>(*static_cast<const int32_t*>(p))); break;
    case ScalarType::Long: out = EValue(*static_cast<const int64_t*>(p)); break;
    case ScalarType::Float: out = EValue(static_cast<double>(*static_cast<const float*>(p))); break;
    case ScalarType::Double: out = EValue(*static_cast<const double*>(p)); break;
    case ScalarType::Bool: out = EValue(*static_cast<const uint8_t*>(p) != 0); break;
    default:
      ctx.fail(Error::InvalidArgument, "%s: self: dtype %s is not supported", op, scalar_type_name(self.scalar_type()));
      return;
  }
}

void et_view(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::et_view.default";
  Tensor self;
  Tensor out;
  if (!check_count(ctx, args, 3, op) || !tensor_at(ctx, args, 0, op, "self", &self) ||
      !tensor_at(ctx, args, 2, op, "out", &out)) {
    return;
  }
  const EValue& size_value = *args[1];
  if (!size_value.is_int_list()) {
    ctx.fail(Error::InvalidArgument, "%s: size: expected an int list, got %s", op, tag_name(size_value.tag()));
    return;
  }
  const BoxedEValueList<int64_t>& boxed = size_value.boxed_int_list();
  for (size_t k = 0; k < boxed.size(); ++k) {
    if (boxed.wrapped()[k] == nullptr || !boxed.wrapped()[k]->is_int()) {
      ctx.fail(Error::InvalidArgument, "%s: size: item %zu is not an Int", op, k);
      return;
    }
  }
  const ArrayRef<int64_t> size = size_value.to_int_list();
  if (size.size() != out.dim()) {
    ctx.fail(Error::InvalidArgument, "%s: size: %zu entries for an out of rank %zu", op, size.size(), out.dim());
    return;
  }
  if (out.scalar_type() != self.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: out: dtype %s differs from self's %s", op,
             scalar_type_name(out.scalar_type()), scalar_type_name(self.scalar_type()));
    return;
  }
  if (!contiguous(ctx, op, "self", self) || !contiguous(ctx, op, "out", out)) return;
  SizesType sizes[kTensorDimensionLimit];
  if (infer_view_sizes(size, self.numel(), sizes) != Error::Ok) {
    ctx.fail(Error::InvalidArgument, "%s: size: %s", op, error_message());
    return;
  }
  if (out.impl()->resize(ArrayRef<SizesType>(sizes, size.size())) != Error::Ok) {
    ctx.fail(Error::InvalidArgument, "%s: out: %s", op, error_message());
    return;
  }
  out.impl()->set_data(self.mutable_data_ptr());
}

void et_copy_index(KernelRuntimeContext& ctx, Span<EValue*> args) {
  constexpr const char* op = "executorch_prim::et_copy_index.tensor";
  Tensor to;
  Tensor from;
  int64_t index = 0;
  if (!check_count(ctx, args, 3, op) || !tensor_at(ctx, args, 0, op, "copy_to", &to) ||
      !tensor_at(ctx, args, 1, op, "copy_from", &from) || !int_at(ctx, args, 2, op, "index", &index)) {
    return;
  }
  if (to.scalar_type() != from.scalar_type()) {
    ctx.fail(Error::InvalidArgument, "%s: copy_from: dtype %s differs from copy_to's %s", op,
             scalar_type_name(from.scalar_type()), scalar_type_name(to.scalar_type()));
    return;
  }
  if (to.dim() != from.dim() + 1) {
    ctx.fail(Error::InvalidArgument, "%s: copy_from: rank %zu, expected copy_to's rank %zu minus 1", op, from.dim(),
             to.dim());
    return;
  }
  for (size_t i = 0; i < from.dim(); ++i) {
    if (from.size(i) != to.size(i + 1)) {
      ctx.fail(Error::InvalidArgument, "%s: copy_from: dim %zu is %d, copy_to's dim %zu is %d", op, i, from.size(i),
               i + 1, to.size(i + 1));
      return;
    }
  }
  if (!contiguous(ctx, op, "copy_to", to) || !contiguous(ctx, op, "copy_from", from)) return;
  if (index < 0 || index >= INT32_MAX) {
    ctx.fail(Error::InvalidArgument, "%s: index: %lld is out of range", op, static_cast<long long>(index));
    return;
  }
  if (index >= to.size(0)) {
    // Grow dim 0 to index + 1; the tensor's bound limits how far.
    SizesType sizes[kTensorDimensionLimit];
    for (size_t i = 0; i < to.dim(); ++i) sizes[i] = to.size(i);
    sizes[0] = static_cast<SizesType>(index + 1);
    if (to.impl()->resize(ArrayRef<SizesType>(sizes, to.dim())) != Error::Ok) {
      ctx.fail(Error::InvalidArgument, "%s: copy_to: cannot grow to index %lld: %s", op, static_cast<long long>(index),
               error_message());
      return;
    }
  }
  const size_t row_bytes = from.nbytes();
  if (row_bytes == 0) return;
  char* dst = static_cast<char*>(to.mutable_data_ptr()) + static_cast<size_t>(index) * row_bytes;
  std::memmove(dst, from.const_data_ptr(), row_bytes);
}

}  // namespace ember::prim
