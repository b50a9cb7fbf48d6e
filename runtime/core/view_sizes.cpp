#include "runtime/core/view_sizes.h"

namespace ember {

Error infer_view_sizes(ArrayRef<int64_t> size, size_t numel, SizesType* sizes_out) {
  EMBER_CHECK_OR_RETURN(size.size() <= kTensorDimensionLimit, Error::InvalidArgument,
                        "%zu entries exceed the rank limit", size.size());
  size_t known = 1;
  size_t infer_at = size.size();
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == -1 && infer_at == size.size()) {
      infer_at = i;
      sizes_out[i] = 0;
      continue;
    }
    EMBER_CHECK_OR_RETURN(
        size[i] >= 0 && size[i] <= INT32_MAX && checked_mul(known, static_cast<size_t>(size[i]), &known),
        Error::InvalidArgument, "entry %zu (%lld) is invalid", i, static_cast<long long>(size[i]));
    sizes_out[i] = static_cast<SizesType>(size[i]);
  }
  if (infer_at != size.size()) {
    EMBER_CHECK_OR_RETURN(known != 0 && numel % known == 0 && numel / known <= INT32_MAX, Error::InvalidArgument,
                          "cannot infer dim %zu for %zu elements", infer_at, numel);
    sizes_out[infer_at] = static_cast<SizesType>(numel / known);
    known = numel;
  }
  EMBER_CHECK_OR_RETURN(known == numel, Error::InvalidArgument, "%zu elements requested, self has %zu", known, numel);
  return Error::Ok;
}

}  // namespace ember
