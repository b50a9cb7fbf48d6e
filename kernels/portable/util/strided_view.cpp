#include "kernels/portable/util/strided_view.h"

#include <cstring>

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/elementwise.h"
#include "kernels/portable/util/kernel_args.h"
#include "kernels/portable/util/scalar_type_util.h"

namespace ember::kernels {
namespace {

// A plan over dst's sizes in dst's memory order (outermost = largest dst
// stride), size-1 dims dropped and mergeable neighbours coalesced, so the
// innermost run is as long as the two layouts allow. False when empty.
bool plan_copy(const StridedView& dst, const StridedView& src, StridedPlan<2>* plan) {
  size_t order[kTensorDimensionLimit];
  size_t n = 0;
  for (size_t d = 0; d < dst.ndim; ++d) {
    if (dst.sizes[d] == 0) return false;
    if (dst.sizes[d] == 1) continue;
    // Insertion sort by descending dst stride; stable keeps logical order on ties.
    size_t k = n++;
    while (k > 0 && dst.strides[order[k - 1]] < dst.strides[d]) {
      order[k] = order[k - 1];
      --k;
    }
    order[k] = d;
  }
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t d = order[i];
    if (m > 0 && plan->strides[0][m - 1] == dst.strides[d] * dst.sizes[d] &&
        plan->strides[1][m - 1] == src.strides[d] * dst.sizes[d]) {
      plan->sizes[m - 1] *= dst.sizes[d];
      plan->strides[0][m - 1] = dst.strides[d];
      plan->strides[1][m - 1] = src.strides[d];
      continue;
    }
    plan->sizes[m] = dst.sizes[d];
    plan->strides[0][m] = dst.strides[d];
    plan->strides[1][m] = src.strides[d];
    ++m;
  }
  plan->ndim = m;
  return true;
}

template <typename T>
void copy_run(char* dst, int64_t dst_step, const char* src, int64_t src_step, int64_t count) {
  T* o = reinterpret_cast<T*>(dst);
  const T* s = reinterpret_cast<const T*>(src);
  for (int64_t i = 0; i < count; ++i) o[i * dst_step] = s[i * src_step];
}

}  // namespace

StridedView StridedView::of(const Tensor& t) {
  StridedView v;
  v.data = static_cast<char*>(t.mutable_data_ptr());
  v.elem_size = t.element_size();
  v.ndim = t.dim();
  element_strides(t, v.strides);
  for (size_t d = 0; d < v.ndim; ++d) v.sizes[d] = t.size(d);
  return v;
}

int64_t StridedView::numel() const {
  int64_t n = 1;
  for (size_t d = 0; d < ndim; ++d) n *= sizes[d];
  return n;
}

void StridedView::narrow(size_t d, int64_t start, int64_t length, int64_t step) {
  data = at(start * strides[d]);
  sizes[d] = length;
  strides[d] *= step;
}

void StridedView::select(size_t d, int64_t index) {
  data = at(index * strides[d]);
  for (size_t i = d; i + 1 < ndim; ++i) {
    sizes[i] = sizes[i + 1];
    strides[i] = strides[i + 1];
  }
  --ndim;
}

void StridedView::insert_broadcast(size_t d, int64_t size) {
  for (size_t i = ndim; i > d; --i) {
    sizes[i] = sizes[i - 1];
    strides[i] = strides[i - 1];
  }
  sizes[d] = size;
  strides[d] = 0;
  ++ndim;
}

void StridedView::drop(size_t d) { select(d, 0); }

void copy_view(const StridedView& dst, const StridedView& src) {
  StridedPlan<2> plan;
  if (!plan_copy(dst, src, &plan)) return;
  const size_t es = dst.elem_size;
  for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
    char* o = dst.at(off[0]);
    const char* s = src.at(off[1]);
    if (step[0] == 1 && step[1] == 1) {
      std::memcpy(o, s, static_cast<size_t>(count) * es);
      return;
    }
    switch (es) {
      case 1:
        copy_run<uint8_t>(o, step[0], s, step[1], count);
        break;
      case 2:
        copy_run<uint16_t>(o, step[0], s, step[1], count);
        break;
      case 4:
        copy_run<uint32_t>(o, step[0], s, step[1], count);
        break;
      case 8:
        copy_run<uint64_t>(o, step[0], s, step[1], count);
        break;
      default:
        for (int64_t i = 0; i < count; ++i) std::memcpy(dst.at(off[0] + i * step[0]), src.at(off[1] + i * step[1]), es);
    }
  });
}

void copy_view_convert(const StridedView& dst, ScalarType dst_type, const StridedView& src, ScalarType src_type) {
  if (dst_type == src_type) {
    copy_view(dst, src);
    return;
  }
  StridedPlan<2> plan;
  if (!plan_copy(dst, src, &plan)) return;
  dispatch_real_bool(dst_type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const internal::LoadFn<T> load = internal::load_fn<T>(src_type);
    if (load == nullptr) return;
    for_each_run(plan, [&](const int64_t* off, int64_t count, const int64_t* step) {
      for (int64_t i = 0; i < count; ++i) {
        internal::store_as<T, T>(load(src.at(off[1] + i * step[1])), dst.at(off[0] + i * step[0]));
      }
    });
  });
}

bool copy_view_to_out(KernelRuntimeContext& ctx, const char* op, const StridedView& src, const Tensor& out) {
  SizesType sizes[kTensorDimensionLimit];
  for (size_t d = 0; d < src.ndim; ++d) {
    if (src.sizes[d] < 0 || src.sizes[d] > INT32_MAX) {
      ctx.fail(Error::InvalidArgument, "%s: out: size %lld of dim %zu is not representable", op,
               static_cast<long long>(src.sizes[d]), d);
      return false;
    }
    sizes[d] = static_cast<SizesType>(src.sizes[d]);
  }
  if (!resize_out(ctx, op, out, ArrayRef<SizesType>(sizes, src.ndim))) return false;
  copy_view(StridedView::of(out), src);
  return true;
}

}  // namespace ember::kernels
