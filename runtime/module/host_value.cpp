#include "runtime/module/host_value.h"

namespace ember {

size_t HostTensor::numel() const {
  size_t n = 0;
  if (!checked_numel(ArrayRef<SizesType>(sizes.data(), sizes.size()), &n)) return 0;
  return n;
}

HostValue HostValue::copy_of(const EValue& value) {
  switch (value.tag()) {
    case Tag::Int:
      return from_int(value.to_int());
    case Tag::Double:
      return from_double(value.to_double());
    case Tag::Bool:
      return from_bool(value.to_bool());
    case Tag::String: {
      HostValue h;
      h.tag = Tag::String;
      ArrayRef<char> s = value.to_string();
      h.string_value.assign(s.data(), s.size());
      return h;
    }
    case Tag::Tensor: {
      Tensor t = value.to_tensor();
      HostTensor out;
      if (t.impl() == nullptr) return from_tensor(std::move(out));
      out.dtype = t.scalar_type();
      out.sizes.assign(t.sizes().begin(), t.sizes().end());
      // Identity dim orders are stored as "empty" so contiguous tensors compare
      // equal however they were produced.
      if (!t.is_contiguous_dim_order()) out.dim_order.assign(t.dim_order().begin(), t.dim_order().end());
      out.data.resize(t.nbytes());
      if (!out.data.empty() && t.const_data_ptr() != nullptr) {
        std::memcpy(out.data.data(), t.const_data_ptr(), out.data.size());
      }
      return from_tensor(std::move(out));
    }
    default:
      return none();
  }
}

}  // namespace ember
