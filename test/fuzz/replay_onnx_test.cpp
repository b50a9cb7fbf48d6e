// Replays every input under test/fuzz/regressions/fuzz_onnx/ through the
// fuzz_onnx body (convert with both backends, run what converts): each must
// return without a crash, an exception other than exir::Error, a sanitizer
// report or a hang (the ctest timeout).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/ir/error.h"
#include "test/fuzz/fuzz_onnx_body.h"
#include "test/support/program_bytes.h"

namespace ember::fuzz {
namespace {

namespace fs = std::filesystem;

TEST(FuzzOnnxRegressions, Replay) {
  fs::path dir = fs::path(EMBER_FUZZ_REGRESSIONS_DIR) / "fuzz_onnx";
  size_t count = 0;
  if (fs::is_directory(dir)) {
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::vector<uint8_t> bytes = test::read_file(e.path().string());
      SCOPED_TRACE(e.path().string());
      EXPECT_EQ(fuzz_onnx(bytes.data(), bytes.size()), 0);
      ++count;
    }
  }
  std::printf("fuzz_onnx: replayed %zu input(s)\n", count);
}

// The converter's message for regression input `file`, with either backend
// ("" when it converted).
std::string convert_error(const std::string& file, const char* backend) {
  exir::ConvertOptions options;
  options.backend = backend;
  try {
    exir::convert_onnx(std::string(EMBER_FUZZ_REGRESSIONS_DIR) + "/fuzz_onnx/" + file, options);
  } catch (const exir::Error& e) {
    return e.what();
  }
  return "";
}

// Shapes whose element count overflowed int64 (signed overflow in
// Value::numel, UBSan) or exceeds what the runtime can hold (a Resize to
// 200000x200000 took a minute to lower under ASan) are refused at import.
TEST(FuzzOnnxRegressions, HugeShapesAreRefusedAtImport) {
  for (const char* backend : {"portable", "xnnpack"}) {
    EXPECT_NE(convert_error("initializer_numel_overflow.onnx", backend)
                  .find("initializer 'w': shape [1099511627776, 1099511627776] spans more than 2147483647 elements"),
              std::string::npos)
        << convert_error("initializer_numel_overflow.onnx", backend);
    EXPECT_NE(convert_error("input_numel_overflow.onnx", backend).find("graph input 'x': shape"), std::string::npos)
        << convert_error("input_numel_overflow.onnx", backend);
    const std::string resize = convert_error("resize_4e10_elements.onnx", backend);
    EXPECT_NE(resize.find("Resize"), std::string::npos) << resize;
    EXPECT_NE(resize.find("spans more than 2147483647 elements"), std::string::npos) << resize;
  }
}

// Shape rules with attribute or input values near the int64 limits: pooling
// windows and pads are refused past int32, Reshape entries whose product
// overflows are refused; a Slice step of INT64_MIN takes one element.
TEST(FuzzOnnxRegressions, ExtremeWindowAndStepValues) {
  EXPECT_NE(convert_error("maxpool_window_overflow.onnx", "portable")
                .find("stride, dilation, kernel or pad larger than 2147483647"),
            std::string::npos)
      << convert_error("maxpool_window_overflow.onnx", "portable");
  for (const char* backend : {"portable", "xnnpack"}) {
    EXPECT_EQ(convert_error("slice_step_int64_min.onnx", backend), "") << backend;
  }
  EXPECT_NE(convert_error("pad_sum_overflow.onnx", "portable").find("pad of axis 2 beyond +-2147483647"),
            std::string::npos)
      << convert_error("pad_sum_overflow.onnx", "portable");
  EXPECT_NE(convert_error("reshape_product_overflow.onnx", "portable").find("the shape's entries multiply past int64"),
            std::string::npos)
      << convert_error("reshape_product_overflow.onnx", "portable");
}

// External data may only name files inside the model's folder.
TEST(FuzzOnnxRegressions, ExternalDataOutsideTheFolderIsRefused) {
  EXPECT_EQ(convert_error("external_data_outside_folder.onnx", "portable"),
            "initializer 'e': external data location '../../../../dev/zero' is not a path inside the model's folder");
}

TEST(FuzzOnnxRegressions, TrivialInputs) {
  const uint8_t junk[] = {0x08, 0x07, 0x3a, 0x02, 0x0a, 0x00, 0x42, 0x02, 0x10, 0x11};
  EXPECT_EQ(fuzz_onnx(nullptr, 0), 0);
  EXPECT_EQ(fuzz_onnx(junk, sizeof(junk)), 0);
}

}  // namespace
}  // namespace ember::fuzz
