#include "exir/import/onnx/onnx_opsets.h"

#include <unordered_map>

namespace exir {

int64_t min_supported_opset(const std::string& op) {
  // Versions from ONNX's operator changelog: the first version from which
  // the operator's inputs, attributes and meaning are those the rules read
  // (e.g. Add before 7 needed an explicit `broadcast` attribute, Cast before
  // 6 named its target type by string, Reshape before 5 took an attribute).
  static const std::unordered_map<std::string, int64_t> kSince = {
      {"GlobalAveragePool", 1}, {"Conv", 1},      {"MatMul", 1},   {"Transpose", 1}, {"Gather", 1},
      {"Squeeze", 1},           {"Unsqueeze", 1}, {"Flatten", 1},  {"Softmax", 1},   {"Shape", 1},
      {"Constant", 1},          {"MaxPool", 1},   {"AveragePool", 1}, {"ReduceMean", 1}, {"Concat", 4},
      {"Reshape", 5},           {"Relu", 6},      {"Sigmoid", 6},  {"Tanh", 6},      {"LeakyRelu", 6},
      {"Cast", 6},              {"Clip", 6},      {"Add", 7},      {"Sub", 7},       {"Mul", 7},
      {"Div", 7},               {"Gemm", 7},      {"Erf", 9},      {"Where", 9},     {"ConstantOfShape", 9},
      {"BatchNormalization", 9}, {"Pad", 2},      {"Split", 2},    {"Identity", 1}};
  auto it = kSince.find(op);
  return it == kSince.end() ? 10 : it->second;
}

}  // namespace exir
