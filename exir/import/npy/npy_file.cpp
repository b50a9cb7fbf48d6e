#include "exir/import/npy/npy_file.h"

#include "exir/ir/error.h"
#include "runtime/core/error.h"
#include "runtime/module/npy.h"

namespace exir {

Value read_npy(const std::string& path, const std::string& name) {
  ember::Result<ember::HostTensor> t = ember::npy::read_file(path);
  if (!t.ok()) fail("%s: %s", path.c_str(), ember::error_message());
  Value v;
  v.name = name;
  v.dtype = t->dtype;
  std::vector<int64_t> sizes(t->sizes.begin(), t->sizes.end());
  v.shape = static_shape(sizes);
  v.shape_known = true;
  v.data = std::move(t->data);
  return v;
}

void write_npy(const std::string& path, const Value& value) {
  if (!value.is_constant()) fail("%s: value '%s' has no data to write", path.c_str(), value.name.c_str());
  ember::HostTensor t;
  t.dtype = value.dtype;
  for (int64_t d : value.sizes()) t.sizes.push_back(static_cast<int32_t>(d));
  t.data = *value.data;
  if (ember::npy::write_file(path, t) != ember::Error::Ok) fail("%s: %s", path.c_str(), ember::error_message());
}

}  // namespace exir
