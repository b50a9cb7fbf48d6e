// The lowered program: a list of kernel calls in ExecuTorch's argument
// convention (inputs in schema order, then the out tensor(s), then the return
// values, which are the same values as the outs). Tensors are IR ValueIds of
// the Graph the calls were lowered from; the Graph owns them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exir/ir/graph.h"

namespace exir {

struct Arg {
  enum class Kind : uint8_t { Tensor, Int, Double, Bool, IntList, DoubleList, TensorList, String, None };
  Kind kind = Kind::None;
  ValueId tensor = kNoValue;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<ValueId> tensors;
  std::string s;  // String: e.g. div's rounding_mode
};

struct KernelCall {
  std::string name;      // "aten::convolution"
  std::string overload;  // "out"
  std::vector<Arg> args;      // schema inputs, then outs
  std::vector<ValueId> rets;  // return values (same tensors as the outs)
  std::string source;         // the IR node it came from, for messages
  // >= 0: a DelegateCall of that delegate (blob index); args are its
  // external inputs then outputs, name/overload/rets unused.
  int delegate = -1;
};

}  // namespace exir
