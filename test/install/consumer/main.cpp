// Uses the installed headers and libraries: an error name, a 2x3 float tensor
// view, a BufferDataLoader range, and registering every kernel library (which
// only links when the exported link graph is complete). The install_consumer test
// compares the printed line with the values computed by hand.
#include <cstdint>
#include <cstdio>

#include "runtime/core/error.h"
#include "runtime/core/tensor.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/loader/buffer_data_loader.h"
#include "runtime/module/module.h"
#include "runtime/platform/platform.h"

int main() {
  ember::set_logging_enabled(false);

  float data[6] = {1, 2, 3, 4, 5, 6};
  ember::SizesType sizes[2] = {2, 3};
  ember::DimOrderType dim_order[2] = {0, 1};
  ember::StridesType strides[2] = {0, 0};
  ember::TensorImpl impl(ember::ScalarType::Float, 2, sizes, data, dim_order, strides);
  ember::Tensor tensor(&impl);
  float sum = 0;
  for (size_t i = 0; i < tensor.numel(); ++i) sum += tensor.const_data_ptr<float>()[i];

  alignas(16) const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ember::BufferDataLoader loader(bytes, sizeof(bytes));
  auto slice = loader.load(2, 2, ember::SegmentInfo{});
  if (!slice.ok()) return 1;
  const auto* loaded = static_cast<const uint8_t*>(slice->data());
  auto past_end = loader.load(7, 2, ember::SegmentInfo{});

  const ember::Error registered = ember::register_all_kernels_and_backends();
  const bool has_kernels = ember::KernelRegistry::global().size() > 0;

  std::printf("error_name=%s numel=%zu strides=%d,%d nbytes=%zu sum=%g loaded=%u,%u range=%s register=%s kernels=%s\n",
              ember::error_name(ember::Error::InvalidProgram), tensor.numel(), static_cast<int>(tensor.strides()[0]),
              static_cast<int>(tensor.strides()[1]), tensor.nbytes(), static_cast<double>(sum),
              static_cast<unsigned>(loaded[0]), static_cast<unsigned>(loaded[1]), ember::error_name(past_end.error()),
              ember::error_name(registered), has_kernels ? "yes" : "no");
  return 0;
}
