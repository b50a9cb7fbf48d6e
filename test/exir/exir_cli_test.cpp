// exir convert options beyond the basic pipeline: --freeze NAME=VALUE.npy
// (with files numpy wrote), .npy reading/writing, and dynamic input ranges
// (--input-shape NAME=LO..HIxD): DYNAMIC_BOUND tensors planned at the bound,
// run at several sizes inside it on the portable kernels and on XNNPACK,
// compared with the generators' references row by row.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "exir/cli/convert.h"
#include "exir/emit/operator_check.h"
#include "exir/import/npy/npy_file.h"
#include "exir/ir/error.h"
#include "runtime/bundled/bundled_program.h"
#include "runtime/module/module.h"
#include "test/exir/host_tensor.h"
#include "test/exir/model_generator.h"

namespace {

const char* kTestData = "/usr/share/libonnx-testdata/data/node";

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string temp_path(const std::string& name) {
  return "/tmp/exir_cli_test_" + std::to_string(getpid()) + "_" + name;
}

// Runs a numpy snippet with Debian's python; false when it is unavailable.
bool python(const std::string& code) {
  if (!exists("/usr/bin/python3")) return false;
  const std::string script = temp_path("snippet.py");
  std::ofstream(script) << "import numpy as np\n" << code << "\n";
  return std::system(("/usr/bin/python3 " + script + " 2>/dev/null").c_str()) == 0;
}

#define REQUIRE_PYTHON(ok)                                                   \
  if (!(ok)) {                                                               \
    std::printf("SKIP: /usr/bin/python3 with numpy is not available\n");     \
    GTEST_SKIP();                                                            \
  }

// Runs the CLI; returns (exit status, stderr).
std::pair<int, std::string> run_cli(const std::string& args) {
  const std::string err = temp_path("stderr.txt");
  const int rc = std::system((std::string(EXIR_BIN) + " " + args + " 2>" + err + " >/dev/null").c_str());
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, text};
}

using ember::test::host_tensor;

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Npy, ReadsWhatNumpyWrote) {
  const std::string f32 = temp_path("a.npy"), i64 = temp_path("b.npy"), u8 = temp_path("c.npy");
  REQUIRE_PYTHON(python("np.save('" + f32 + "', np.arange(6, dtype=np.float32).reshape(2, 3) / 4)\n"
                        "np.save('" + i64 + "', np.array([3, -1], dtype=np.int64))\n"
                        "np.save('" + u8 + "', np.array(7, dtype=np.uint8))"));
  const exir::Value a = exir::read_npy(f32, "a");
  EXPECT_EQ(a.dtype, ember::ScalarType::Float);
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{2, 3}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a.as<float>()[i], i / 4.0f);
  const exir::Value b = exir::read_npy(i64, "b");
  EXPECT_EQ(b.dtype, ember::ScalarType::Long);
  EXPECT_EQ(b.as<int64_t>()[0], 3);
  EXPECT_EQ(b.as<int64_t>()[1], -1);
  const exir::Value c = exir::read_npy(u8, "c");
  EXPECT_EQ(c.dtype, ember::ScalarType::Byte);
  EXPECT_TRUE(c.sizes().empty());
  EXPECT_EQ(c.as<uint8_t>()[0], 7);
}

TEST(Npy, WriteThenReadRoundTripsAndNumpyAgrees) {
  const std::string path = temp_path("w.npy");
  exir::Graph g;
  std::vector<uint8_t> bytes(4 * sizeof(int32_t));
  const int32_t values[] = {1, -2, 300000, 4};
  std::memcpy(bytes.data(), values, bytes.size());
  const exir::ValueId id = g.add_constant("w", ember::ScalarType::Int, {2, 2}, bytes);
  exir::write_npy(path, g.value(id));
  const exir::Value back = exir::read_npy(path, "w");
  EXPECT_EQ(back.sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(*back.data, bytes);
  REQUIRE_PYTHON(python("a = np.load('" + path + "')\nassert a.dtype == np.int32 and a.shape == (2, 2)\n"
                        "assert a.tolist() == [[1, -2], [300000, 4]]"));
}

TEST(Npy, MalformedFilesAreClearErrors) {
  const std::string path = temp_path("bad.npy");
  auto expect_error = [&](const std::string& bytes, const char* needle) {
    std::ofstream(path, std::ios::binary) << bytes;
    try {
      exir::read_npy(path, "x");
      ADD_FAILURE() << "no error for " << needle;
    } catch (const exir::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << needle << ": " << e.what();
    }
  };
  expect_error("hello", "not an .npy file");
  const std::string magic("\x93NUMPY\x01\x00", 8);
  auto with_header = [&](const std::string& h) { return magic + std::string(1, char(h.size())) + '\0' + h; };
  expect_error(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }") + std::string(4, '\0'),
               "data bytes");
  expect_error(with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }") + std::string(4, '\0'),
               "not supported");
  expect_error(with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }") + std::string(4, '\0'),
               "Fortran");
  expect_error(std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12), "header length 2147483647 exceeds");
  expect_error(magic + "\xff\xff", "header length 65535 exceeds");
  expect_error(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (x,), }"), "shape entries");
}

TEST(ExirCliFreeze, ShapeInputFrozenFromNumpyFile) {
  const std::string dir = std::string(kTestData) + "/test_reshape_reordered_all_dims";
  if (!exists(dir)) {
    std::printf("SKIP: libonnx-testdata is not installed\n");
    GTEST_SKIP();
  }
  const exir::Value shape = exir::read_onnx_tensor_file(dir + "/test_data_set_0/input_1.pb");
  std::string dims;
  for (int64_t i = 0; i < shape.numel(); ++i) dims += std::to_string(shape.as<int64_t>()[i]) + ",";
  const std::string npy = temp_path("shape.npy"), pte = temp_path("reshape.pte");
  REQUIRE_PYTHON(python("np.save('" + npy + "', np.array([" + dims + "], dtype=np.int64))"));
  const auto [rc, text] = run_cli("convert " + dir + "/model.onnx -o " + pte + " --backend portable --freeze " +
                                  shape.name + "=" + npy);
  ASSERT_EQ(rc, 0) << text;
  const std::vector<uint8_t> bytes = read_file(pte);
  auto module = ember::Module::load_from_buffer(bytes.data(), bytes.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  const exir::Value x = exir::read_onnx_tensor_file(dir + "/test_data_set_0/input_0.pb");
  const exir::Value expected = exir::read_onnx_tensor_file(dir + "/test_data_set_0/output_0.pb");
  auto outputs = module.get()->run("forward", {ember::HostValue::from_tensor(host_tensor(x))});
  ASSERT_TRUE(outputs.ok()) << ember::error_message();
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_EQ((*outputs)[0].tensor.data, *expected.data);
  std::vector<int32_t> sizes;
  for (int64_t s : expected.sizes()) sizes.push_back(static_cast<int32_t>(s));
  EXPECT_EQ((*outputs)[0].tensor.sizes, sizes);
}

TEST(ExirCliFreeze, WrongNameOrDtypeIsOneClearError) {
  const std::string dir = std::string(kTestData) + "/test_reshape_reordered_all_dims";
  if (!exists(dir)) GTEST_SKIP();
  const std::string i64 = temp_path("s64.npy"), f32 = temp_path("s32.npy");
  REQUIRE_PYTHON(python("np.save('" + i64 + "', np.array([4, 2, 3], dtype=np.int64))\n"
                        "np.save('" + f32 + "', np.array([4, 2, 3], dtype=np.float32))"));
  const std::string base = "convert " + dir + "/model.onnx -o " + temp_path("x.pte") + " --backend portable ";
  auto r = run_cli(base + "--freeze nosuch=" + i64);
  EXPECT_EQ(r.first, 1);
  EXPECT_NE(r.second.find("--freeze: the graph has no input named 'nosuch'"), std::string::npos) << r.second;
  r = run_cli(base + "--freeze shape=" + f32);
  EXPECT_EQ(r.first, 1);
  EXPECT_NE(r.second.find("dtype differs"), std::string::npos) << r.second;
  r = run_cli(base + "--freeze shape");
  EXPECT_EQ(r.first, 1);
  EXPECT_NE(r.second.find("NAME=VALUE.npy"), std::string::npos) << r.second;
}

TEST(ExirCliInputShape, ParsesRanges) {
  const exir::InputShape s = exir::parse_input_shape("tokens=1..8x128");
  EXPECT_EQ(s.name, "tokens");
  EXPECT_EQ(s.lower, (std::vector<int64_t>{1, 128}));
  EXPECT_EQ(s.upper, (std::vector<int64_t>{8, 128}));
  for (const char* bad : {"x=8..1x4", "x=..4", "x=1..", "x=1...4", "x=0..0"}) {
    EXPECT_THROW(exir::parse_input_shape(bad), exir::Error) << bad;
  }
}

// The generated model with its batch dim renamed to a symbol, so a range
// may be given for it.
std::string with_symbolic_batch(const std::string& model, const std::string& name) {
  const std::string out = temp_path(name + ".onnx");
  const bool ok = python("import onnx\nm = onnx.load('" + model + "')\n"
                         "for v in list(m.graph.input) + list(m.graph.output):\n"
                         "    v.type.tensor_type.shape.dim[0].dim_param = 'N'\n"
                         "onnx.save(m, '" + out + "')");
  return ok ? out : "";
}

// Runs `pte` on the first `rows` rows of the case's input (tiled beyond the
// rows it has) and compares each row with the reference's row.
void expect_rows_match(const std::vector<uint8_t>& pte, const std::string& case_dir, int rows, double tolerance) {
  SCOPED_TRACE("rows " + std::to_string(rows));
  const exir::Value x = exir::read_onnx_tensor_file(case_dir + "/test_data_set_0/input_0.pb");
  const exir::Value y = exir::read_onnx_tensor_file(case_dir + "/test_data_set_0/output_0.pb");
  const int64_t have = x.sizes()[0], xw = x.sizes()[1], yw = y.sizes()[1];
  ember::HostTensor in;
  in.dtype = ember::ScalarType::Float;
  in.sizes = {rows, static_cast<int32_t>(xw)};
  in.data.resize(static_cast<size_t>(rows * xw) * sizeof(float));
  for (int r = 0; r < rows; ++r) {
    std::memcpy(in.data.data() + r * xw * sizeof(float), x.as<float>() + (r % have) * xw, xw * sizeof(float));
  }
  auto module = ember::Module::load_from_buffer(pte.data(), pte.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  auto outputs = module.get()->run("forward", {ember::HostValue::from_tensor(in)});
  ASSERT_TRUE(outputs.ok()) << ember::error_message();
  const ember::HostTensor& got = (*outputs)[0].tensor;
  ASSERT_EQ(got.sizes, (std::vector<int32_t>{rows, static_cast<int32_t>(yw)}));
  for (int r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < yw; ++c) {
      const float e = y.as<float>()[(r % have) * yw + c];
      ASSERT_NEAR(got.data_as<float>()[r * yw + c], e, tolerance + 1e-4 * std::fabs(e)) << "row " << r << " col " << c;
    }
  }
}

TEST(ExirCliInputShape, FloatMlpRunsAtEverySizeInItsRange) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  exir::ConvertOptions options;
  options.backend = "portable";
  options.import.input_shapes["x"] = {8, 16};
  options.import.input_lower_bounds["x"] = {1, 16};
  const exir::ConvertResult r = exir::convert_onnx(dir + "/mlp/model.onnx", options);
  EXPECT_GT(r.num_dynamic_tensors, 0u);
  for (int rows : {1, 3, 8}) expect_rows_match(r.pte, dir + "/mlp", rows, 1e-4);
  // Above the bound: refused by the runtime, no crash.
  ember::HostTensor big;
  big.dtype = ember::ScalarType::Float;
  big.sizes = {9, 16};
  big.data.resize(9 * 16 * sizeof(float));
  auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
  ASSERT_TRUE(module.ok());
  EXPECT_FALSE(module.get()->run("forward", {ember::HostValue::from_tensor(big)}).ok());
}

TEST(ExirCliInputShape, QuantizedMlpOnXnnpackRunsAtEverySizeInItsRange) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_QDQ_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  const std::string model = with_symbolic_batch(dir + "/qdq_mlp/model.onnx", "qdq_mlp_dyn");
  REQUIRE_PYTHON(!model.empty());
  exir::ConvertOptions options;
  options.backend = "xnnpack";
  options.import.input_shapes["x"] = {8, 32};
  options.import.input_lower_bounds["x"] = {1, 32};
  const exir::ConvertResult r = exir::convert_onnx(model, options);
  EXPECT_GE(r.num_delegates, 1u);
  EXPECT_GT(r.num_dynamic_tensors, 0u);
  std::ifstream scale_file(dir + "/qdq_mlp/output_scale.txt");
  double scale = 0;
  scale_file >> scale;
  ASSERT_GT(scale, 0);
  for (int rows : {1, 4, 7, 8}) expect_rows_match(r.pte, dir + "/qdq_mlp", rows, scale * 1.01);
}

TEST(ExirCliInputShape, CliAcceptsARangeAndInspectShowsTheBound) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  const std::string pte = temp_path("mlp_dyn.pte");
  const auto [rc, text] =
      run_cli("convert " + dir + "/mlp/model.onnx -o " + pte + " --backend portable --input-shape x=2..6x16");
  ASSERT_EQ(rc, 0) << text;
  const std::string out = temp_path("inspect.txt");
  ASSERT_EQ(std::system((std::string(EXIR_BIN) + " inspect " + pte + " >" + out).c_str()), 0);
  std::ifstream in(out);
  const std::string listing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(listing.find("input 0: Float[6, 16]"), std::string::npos) << listing;
  EXPECT_NE(listing.find("dynamic bound"), std::string::npos) << listing;
}

}  // namespace

namespace {

TEST(ExirCliBundle, BundleHoldsInputsAndPortableReferenceOutputs) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_QDQ_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  const std::string case_dir = dir + "/qdq_mlp";
  const exir::Value x = exir::read_onnx_tensor_file(case_dir + "/test_data_set_0/input_0.pb");
  const exir::Value y = exir::read_onnx_tensor_file(case_dir + "/test_data_set_0/output_0.pb");
  const std::string npy = temp_path("x.npy"), pte = temp_path("bundled.pte"), bpte = temp_path("bundled.bpte");
  exir::write_npy(npy, x);
  const auto [rc, text] = run_cli("convert " + case_dir + "/model.onnx -o " + pte + " --backend xnnpack --bundle " + npy);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("1 test case"), std::string::npos) << text;
  const std::vector<uint8_t> bytes = read_file(bpte);
  auto bp = ember::BundledProgram::from(bytes.data(), bytes.size());
  ASSERT_TRUE(bp.ok()) << ember::error_message();
  EXPECT_EQ(bp->method_name(0).get(), "forward");
  auto inputs = bp->inputs(0, 0);
  auto expected = bp->expected_outputs(0, 0);
  ASSERT_TRUE(inputs.ok() && expected.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].tensor.data, *x.data);
  // The expected output is the portable reference: within one output step of
  // the generator's numpy QDQ reference.
  std::ifstream scale_file(case_dir + "/output_scale.txt");
  double scale = 0;
  scale_file >> scale;
  ASSERT_EQ(expected->size(), 1u);
  const ember::HostTensor& e = (*expected)[0].tensor;
  ASSERT_EQ(static_cast<int64_t>(e.numel()), y.numel());
  for (int64_t i = 0; i < y.numel(); ++i) EXPECT_NEAR(e.data_as<float>()[i], y.as<float>()[i], scale * 1.01) << i;
  // The bundled (delegated) program reproduces the expected outputs.
  const ember::Span<const uint8_t> program = bp->program();
  auto module = ember::Module::load_from_buffer(program.data(), program.size());
  ASSERT_TRUE(module.ok()) << ember::error_message();
  auto got = module.get()->run("forward", *inputs);
  ASSERT_TRUE(got.ok()) << ember::error_message();
  const ember::CompareResult cmp = ember::compare((*got)[0], (*expected)[0], 0, scale * 1.01);
  EXPECT_TRUE(cmp.pass) << cmp.message;
  // The .pte written next to it is the same program.
  EXPECT_EQ(read_file(pte), std::vector<uint8_t>(program.data(), program.data() + program.size()));
}

}  // namespace

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ExirCliInspect, DotDrawsInstructionsWithDelegatesColoured) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_QDQ_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_QDQ_MODELS);
  const std::string pte = temp_path("cnn.pte"), dot = temp_path("cnn.dot"), listing = temp_path("cnn.txt");
  ASSERT_EQ(run_cli("convert " + dir + "/qdq_cnn/model.onnx -o " + pte + " --backend xnnpack").first, 0);
  ASSERT_EQ(std::system((std::string(EXIR_BIN) + " inspect " + pte + " --dot " + dot + " >" + listing).c_str()), 0);
  const std::string text = read_text(listing), graph = read_text(dot);
  // The int8 CNN: quantize the float input, one XNNPACK partition holding
  // the 3 convs, the add, the pool, the flatten and the gemm, dequantize.
  EXPECT_NE(text.find("XnnpackBackend ("), std::string::npos) << text;
  EXPECT_NE(text.find("constants: "), std::string::npos) << text;
  EXPECT_EQ(graph.rfind("digraph program {", 0), 0u) << graph;
  EXPECT_NE(graph.find("label=\"quantized_decomposed::quantize_per_tensor.out\""), std::string::npos) << graph;
  EXPECT_NE(graph.find("XnnpackBackend #0\\n"), std::string::npos) << graph;
  EXPECT_NE(graph.find("style=filled"), std::string::npos) << graph;
  EXPECT_NE(graph.find("m0_in0 -> m0_c0_i0;"), std::string::npos) << graph;
  EXPECT_NE(graph.find("m0_c0_i0 -> m0_c0_i1;"), std::string::npos) << graph;
  EXPECT_NE(graph.find("m0_c0_i1 -> m0_c0_i2;"), std::string::npos) << graph;
  EXPECT_NE(graph.find("m0_c0_i2 -> m0_out0;"), std::string::npos) << graph;
  // The node count in the listing and in the drawing agree.
  const size_t at = text.find("XnnpackBackend (");
  const std::string count = text.substr(at + 16, text.find(" nodes)", at) - at - 16);
  EXPECT_NE(graph.find("\\n" + count + " XNNPACK nodes"), std::string::npos) << count << "\n" << graph;
  EXPECT_GE(std::stoi(count), 7);
}

}  // namespace

namespace {

TEST(ExirOperatorCheck, ListsEveryOperatorTheRuntimeDoesNotRegister) {
  std::vector<exir::KernelCall> calls(4);
  calls[0].name = "aten::add";
  calls[0].overload = "out";
  calls[1].name = "aten::made_up_op";
  calls[1].overload = "out";
  calls[1].source = "Foo 'a'";
  calls[2].name = "quantized_decomposed::not_there";
  calls[2].overload = "out";
  calls[2].source = "Bar 'b'";
  calls[3].delegate = 0;  // delegate calls are not operators
  try {
    exir::check_operators_registered(calls);
    ADD_FAILURE() << "no error";
  } catch (const exir::Error& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("2 operator(s) the runtime does not register"), std::string::npos) << text;
    EXPECT_NE(text.find("aten::made_up_op.out (from Foo 'a')"), std::string::npos) << text;
    EXPECT_NE(text.find("quantized_decomposed::not_there.out (from Bar 'b')"), std::string::npos) << text;
    EXPECT_EQ(text.find("aten::add.out"), std::string::npos) << text;
  }
  calls.erase(calls.begin() + 1, calls.begin() + 3);
  EXPECT_NO_THROW(exir::check_operators_registered(calls));
}

TEST(ExirEmit, ContainerMetaTypeIsExecutorchsPytreeForm) {
  const std::string& dir = ember::test::generated_models(EXIR_GEN_MODELS);
  EMBER_REQUIRE_GENERATED_MODELS(EXIR_GEN_MODELS);
  exir::ConvertOptions options;
  options.import.input_shapes["x"] = {4, 16};
  const exir::ConvertResult r = exir::convert_onnx(dir + "/mlp/model.onnx", options);
  const std::string bytes(r.pte.begin(), r.pte.end());
  const std::string leaf = "{\"type\": null, \"context\": null, \"children_spec\": []}";
  // One input: ((x,), {}) ; one output: a bare leaf (as ExecuTorch writes for add.pte).
  EXPECT_NE(bytes.find("[1, {\"type\": \"builtins.tuple\", \"context\": \"null\", \"children_spec\": [{\"type\": "
                       "\"builtins.tuple\", \"context\": \"null\", \"children_spec\": [" + leaf +
                       "]}, {\"type\": \"builtins.dict\", \"context\": \"[]\", \"children_spec\": []}]}]"),
            std::string::npos);
  EXPECT_NE(bytes.find("[1, " + leaf + "]"), std::string::npos);
}

}  // namespace

namespace {

// Opset 21 blocked DequantizeLinear (int8 table, scales per block of 4 along
// each row) feeding Gather: converted as one embedding_byte call with the
// table kept int8, compared with numpy; a blocked DQ elsewhere is refused.
TEST(ExirBlockedQuantization, BlockedEmbeddingTableMatchesNumpy) {
  const std::string dir = temp_path("blocked");
  const bool ok = python(
      "import os\nfrom onnx import TensorProto, helper, numpy_helper\n"
      "rng = np.random.default_rng(5)\n"
      "q = rng.integers(-128, 128, (8, 16)).astype(np.int8)\n"
      "s = (rng.random((8, 4)) * 0.1 + 0.01).astype(np.float32)\n"
      "z = rng.integers(-5, 5, (8, 4)).astype(np.int8)\n"
      "ids = np.array([[3, 0, 7], [1, 1, 6]], np.int64)\n"
      "table = (q.astype(np.float32) - np.repeat(z, 4, axis=1)) * np.repeat(s, 4, axis=1)\n"
      "y = table[ids]\n"
      "inits = [numpy_helper.from_array(q, 'q'), numpy_helper.from_array(s, 's'), numpy_helper.from_array(z, 'z')]\n"
      "nodes = [helper.make_node('DequantizeLinear', ['q', 's', 'z'], ['t'], axis=1, block_size=4),\n"
      "         helper.make_node('Gather', ['t', 'ids'], ['y'], axis=0)]\n"
      "g = helper.make_graph(nodes, 'blocked', [helper.make_tensor_value_info('ids', TensorProto.INT64, [2, 3])],\n"
      "                      [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 3, 16])], inits)\n"
      "m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 21)])\n"
      "os.makedirs('" + dir + "', exist_ok=True)\n"
      "open('" + dir + "/model.onnx', 'wb').write(m.SerializeToString())\n"
      "np.save('" + dir + "/ids.npy', ids)\nnp.save('" + dir + "/y.npy', y)\n"
      "g2 = helper.make_graph([nodes[0]], 'blocked_alone', [], [helper.make_tensor_value_info('t', TensorProto.FLOAT, [8, 16])], inits)\n"
      "open('" + dir + "/alone.onnx', 'wb').write(helper.make_model(g2, opset_imports=[helper.make_opsetid('', 21)]).SerializeToString())");
  REQUIRE_PYTHON(ok);
  const exir::Value ids = exir::read_npy(dir + "/ids.npy", "ids");
  const exir::Value y = exir::read_npy(dir + "/y.npy", "y");
  for (const char* backend : {"portable", "xnnpack"}) {
    exir::ConvertOptions options;
    options.backend = backend;
    const exir::ConvertResult r = exir::convert_onnx(dir + "/model.onnx", options);
    const std::string bytes(r.pte.begin(), r.pte.end());
    EXPECT_NE(bytes.find("embedding_byte"), std::string::npos) << backend;
    auto module = ember::Module::load_from_buffer(r.pte.data(), r.pte.size());
    ASSERT_TRUE(module.ok()) << ember::error_message();
    auto out = module.get()->run("forward", {ember::HostValue::from_tensor(host_tensor(ids))});
    ASSERT_TRUE(out.ok()) << ember::error_message();
    const ember::HostTensor& got = (*out)[0].tensor;
    ASSERT_EQ(got.sizes, (std::vector<int32_t>{2, 3, 16}));
    for (int64_t i = 0; i < y.numel(); ++i) {
      EXPECT_NEAR(got.data_as<float>()[i], y.as<float>()[i], 1e-6) << backend << " element " << i;
    }
  }
  exir::ConvertOptions options;
  try {
    exir::convert_onnx(dir + "/alone.onnx", options);
    ADD_FAILURE() << "a blocked DequantizeLinear alone converted";
  } catch (const exir::Error& e) {
    EXPECT_NE(std::string(e.what()).find("only as an embedding table"), std::string::npos) << e.what();
  }
}

}  // namespace
