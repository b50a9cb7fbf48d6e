// Small programs written with ProgramBuilder and run by the runtime: each
// instruction kind, zero-input and multi-method programs, and every prim op
// through a real KernelCall.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "exir/emit/program_builder.h"
#include "kernels/portable/register_portable_kernels.h"
#include "kernels/prim/register_prim_ops.h"
#include "runtime/core/memory_manager.h"
#include "runtime/executor/method.h"
#include "runtime/executor/program.h"
#include "runtime/loader/buffer_data_loader.h"

namespace ember {
namespace {

class RegisterKernels : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(register_portable_kernels(), Error::Ok) << error_message();
    ASSERT_EQ(register_prim_ops(), Error::Ok) << error_message();
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new RegisterKernels);

// A loaded Method plus the memory it borrows, sized from its MethodMeta.
class LoadedMethod {
 public:
  Error load(const Program& program, const char* name, const MethodLoadOptions& options) {
    Result<MethodMeta> meta = program.method_meta(name);
    if (!meta.ok()) return meta.error();
    for (size_t i = 0; i < meta->num_memory_planned_buffers(); ++i) {
      Result<size_t> size = meta->memory_planned_buffer_size(i);
      if (!size.ok()) return size.error();
      arenas_.emplace_back(*size, 0);
    }
    for (auto& arena : arenas_) spans_.emplace_back(arena.data(), arena.size());
    planned_ = HierarchicalAllocator(Span<Span<uint8_t>>(spans_.data(), spans_.size()));
    method_memory_.resize(meta->method_allocator_bytes() + 64);
    temp_memory_.resize(4096);
    method_allocator_ = std::make_unique<MemoryAllocator>(method_memory_.size(), method_memory_.data());
    temp_allocator_ = std::make_unique<MemoryAllocator>(temp_memory_.size(), temp_memory_.data());
    manager_ = std::make_unique<MemoryManager>(method_allocator_.get(), &planned_, temp_allocator_.get());
    Result<Method> method = program.load_method(name, manager_.get(), options);
    if (!method.ok()) return method.error();
    method_ = std::make_unique<Method>(std::move(*method));
    return Error::Ok;
  }
  Method& operator*() { return *method_; }
  Method* operator->() { return method_.get(); }

 private:
  std::vector<std::vector<uint8_t>> arenas_;
  std::vector<Span<uint8_t>> spans_;
  HierarchicalAllocator planned_;
  std::vector<uint8_t> method_memory_;
  std::vector<uint8_t> temp_memory_;
  std::unique_ptr<MemoryAllocator> method_allocator_;
  std::unique_ptr<MemoryAllocator> temp_allocator_;
  std::unique_ptr<MemoryManager> manager_;
  std::unique_ptr<Method> method_;
};

// Owns the bytes, the loader and the Program made from them.
class LoadedProgram {
 public:
  explicit LoadedProgram(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)), loader_(bytes_.data(), bytes_.size()) {
    Result<Program> program = Program::load(&loader_);
    error_ = program.error();
    if (program.ok()) program_ = std::make_unique<Program>(std::move(*program));
  }
  Error error() const { return error_; }
  const Program& program() const { return *program_; }
  // Loads `name` into `out`; returns the error of the load.
  Error load(const char* name, LoadedMethod* out, const MethodLoadOptions& options = {}) const {
    return out->load(*program_, name, options);
  }

 private:
  std::vector<uint8_t> bytes_;
  BufferDataLoader loader_;
  Error error_ = Error::Ok;
  std::unique_ptr<Program> program_;
};

// A caller-owned input tensor (contiguous).
template <typename T>
class InputTensor {
 public:
  InputTensor(std::vector<int32_t> sizes, std::vector<T> values)
      : sizes_(std::move(sizes)), dim_order_(sizes_.size()), strides_(sizes_.size()), data_(std::move(values)) {
    for (size_t i = 0; i < dim_order_.size(); ++i) dim_order_[i] = static_cast<uint8_t>(i);
    impl_ = TensorImpl(ScalarTypeOf<T>::value, sizes_.size(), sizes_.data(), data_.data(), dim_order_.data(),
                       strides_.data());
  }
  InputTensor(const InputTensor&) = delete;
  EValue value() { return EValue(Tensor(&impl_)); }

 private:
  std::vector<int32_t> sizes_;
  std::vector<uint8_t> dim_order_;
  std::vector<int32_t> strides_;
  std::vector<T> data_;
  TensorImpl impl_;
};

template <typename T>
std::vector<T> values_of(const EValue& v) {
  if (!v.is_tensor()) return {};
  const Tensor t = v.to_tensor();
  const T* p = t.const_data_ptr<T>();
  return p == nullptr ? std::vector<T>() : std::vector<T>(p, p + t.numel());
}

std::vector<int32_t> sizes_of(const EValue& v) {
  const auto sizes = v.to_tensor().sizes();
  return std::vector<int32_t>(sizes.begin(), sizes.end());
}

bool message_has(const char* needle) { return std::strstr(error_message(), needle) != nullptr; }

TEST(OneOpProgramTest, KernelCallAddWithPlannedAndUnplannedInputs) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 2});  // copied into the arena
  const int y = m.add_tensor(ScalarType::Float, {2, 2});        // caller's pointer shared
  const int alpha = m.add_int(1);
  const int z = m.add_arena_tensor(ScalarType::Float, {2, 2});
  m.add_kernel_call("aten::add", "out", {x, y, alpha, z, z});
  m.set_inputs({x, y});
  m.set_outputs({z});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> a({2, 2}, {1, 2, 3, 4});
  InputTensor<float> b({2, 2}, {10, 20, 30, 40});
  ASSERT_EQ(method->set_input(a.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->set_input(b.value(), 1), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  EXPECT_EQ(values_of<float>(method->get_output(0)), (std::vector<float>{11, 22, 33, 44}));
  EXPECT_TRUE(method->output_is_memory_planned(0));
  EXPECT_EQ(method->last_instruction_count(), 1u);
}

TEST(OneOpProgramTest, MissingOperatorIsNamedAtLoad) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {2});
  m.add_kernel_call("custom::nothing", "out", {x, x});
  m.set_outputs({x});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  EXPECT_EQ(p.load("forward", &method), Error::OperatorMissing);
  EXPECT_TRUE(message_has("custom::nothing.out")) << error_message();
}

// The example program: relu(x * W + b) with broadcast b, constants in the
// constant segment.
TEST(OneOpProgramTest, MulAddReluWithSegmentConstants) {
  const float w[6] = {0.5f, -1.0f, 2.0f, 1.5f, -0.5f, 0.25f};
  const float b[3] = {0.25f, 0.5f, -1.0f};
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int wv = m.add_constant_tensor(ScalarType::Float, {2, 3}, w);
  const int bv = m.add_constant_tensor(ScalarType::Float, {3}, b);
  const int alpha = m.add_int(1);
  const int t1 = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int t2 = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int y = m.add_arena_tensor(ScalarType::Float, {2, 3});
  m.add_kernel_call("aten::mul", "out", {x, wv, t1, t1});
  m.add_kernel_call("aten::add", "out", {t1, bv, alpha, t2, t2});
  m.add_kernel_call("aten::relu", "out", {t2, y, y});
  m.set_inputs({x});
  m.set_outputs({y});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> ones({2, 3}, std::vector<float>(6, 1.0f));
  ASSERT_EQ(method->set_input(ones.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  EXPECT_EQ(values_of<float>(method->get_output(0)), (std::vector<float>{0.75f, 0, 1, 1.75f, 0, 0}));
  InputTensor<float> other({2, 3}, {2, 2, 2, -1, -1, -1});
  ASSERT_EQ(method->set_input(other.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  // 2*W + b = [1.25, -1.5, 3], -W + b = [-1.25, 1, -1.25] -> relu.
  EXPECT_EQ(values_of<float>(method->get_output(0)), (std::vector<float>{1.25f, 0, 3, 0, 1, 0}));
}

TEST(OneOpProgramTest, MoveCallCopiesTheValue) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int from = m.add_int(42);
  const int to = m.add_int(0);
  m.add_move_call(from, to);
  m.set_outputs({to});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  ASSERT_TRUE(method->get_output(0).is_int());
  EXPECT_EQ(method->get_output(0).to_int(), 42);
}

// i = 0; while (i < 5) i = i + 1; return i
TEST(OneOpProgramTest, JumpFalseCountingLoopTerminates) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int i = m.add_int(0);
  const int n = m.add_int(5);
  const int one = m.add_int(1);
  const int cond = m.add_bool(true);
  const int always_false = m.add_bool(false);
  const int result = m.add_int(-1);
  m.add_kernel_call("executorch_prim::lt", "Scalar", {i, n, cond});  // 0
  m.add_jump_false_call(cond, 4);                                    // 1: exit the loop
  m.add_kernel_call("executorch_prim::add", "Scalar", {i, one, i});  // 2
  m.add_jump_false_call(always_false, 0);                            // 3: back to the test
  m.add_move_call(i, result);                                        // 4
  m.set_outputs({result});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  ASSERT_TRUE(method->get_output(0).is_int());
  EXPECT_EQ(method->get_output(0).to_int(), 5);
  // Five passes of 4 instructions, the failing test and jump, the move.
  EXPECT_EQ(method->last_instruction_count(), 5u * 4 + 2 + 1);
}

TEST(OneOpProgramTest, EndlessLoopHitsMaxInstructions) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int always_false = m.add_bool(false);
  m.add_jump_false_call(always_false, 0);
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  MethodLoadOptions options;
  options.max_instructions = 1000;
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method, options), Error::Ok) << error_message();
  EXPECT_EQ(method->execute(), Error::LimitExceeded);
  EXPECT_TRUE(message_has("1000")) << error_message();
  EXPECT_EQ(method->last_instruction_count(), 1000u);
}

// Program::load checks every jump condition's value type up front.
TEST(OneOpProgramTest, JumpFalseOnNonBoolConditionIsRefusedAtLoad) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int not_bool = m.add_int(0);
  m.add_jump_false_call(not_bool, 0);
  LoadedProgram p(pb.build());
  EXPECT_EQ(p.error(), Error::InvalidProgram);
  EXPECT_TRUE(message_has("not a Bool")) << error_message();
}

// The runtime documents FreeCall as a no-op: only DYNAMIC_UNBOUND tensors own
// freeable data and those are refused when the method loads.
TEST(OneOpProgramTest, FreeCallIsANoOpOnPlannedTensors) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {3});
  const int y = m.add_arena_tensor(ScalarType::Float, {3});
  m.add_kernel_call("aten::relu", "out", {x, y, y});
  m.add_free_call(y);
  m.set_inputs({x});
  m.set_outputs({y});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> in({3}, {-1, 0.5f, 2});
  ASSERT_EQ(method->set_input(in.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  EXPECT_EQ(values_of<float>(method->get_output(0)), (std::vector<float>{0, 0.5f, 2}));
}

TEST(OneOpProgramTest, DynamicUnboundTensorIsRefusedAtLoad) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_tensor(ScalarType::Float, {3}, std::nullopt, TensorShapeDynamism::DynamicUnbound);
  m.add_free_call(x);
  m.set_inputs({x});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  EXPECT_EQ(p.load("forward", &method), Error::NotSupported);
  EXPECT_TRUE(message_has("DYNAMIC_UNBOUND")) << error_message();
}

TEST(OneOpProgramTest, ZeroInputMethodReturnsConstants) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("constants");
  const int64_t data[3] = {1, 2, 3};
  const int t = m.add_constant_tensor(ScalarType::Long, {3}, data);
  const int i = m.add_int(128);
  const int d = m.add_double(2.5);
  const int b = m.add_bool(true);
  m.set_outputs({t, i, d, b});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("constants", &method), Error::Ok) << error_message();
  EXPECT_EQ(method->inputs_size(), 0u);
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  ASSERT_EQ(method->outputs_size(), 4u);
  EXPECT_EQ(values_of<int64_t>(method->get_output(0)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FALSE(method->output_is_memory_planned(0));
  EXPECT_EQ(method->get_output(1).to_int(), 128);
  EXPECT_EQ(method->get_output(2).to_double(), 2.5);
  EXPECT_TRUE(method->get_output(3).to_bool());
}

TEST(OneOpProgramTest, TwoMethodsLoadedTogether) {
  ProgramBuilder pb;
  const float two[2] = {2, 2};
  for (const char* name : {"plus", "times"}) {
    MethodBuilder& m = pb.add_method(name);
    const int x = m.add_arena_tensor(ScalarType::Float, {2});
    const int c = m.add_constant_tensor(ScalarType::Float, {2}, two);
    const int y = m.add_arena_tensor(ScalarType::Float, {2});
    if (std::string(name) == "plus") {
      m.add_kernel_call("aten::add", "out", {x, c, m.add_int(1), y, y});
    } else {
      m.add_kernel_call("aten::mul", "out", {x, c, y, y});
    }
    m.set_inputs({x});
    m.set_outputs({y});
  }
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  ASSERT_EQ(p.program().num_methods(), 2u);
  EXPECT_STREQ(*p.program().get_method_name(1), "times");
  LoadedMethod plus;
  LoadedMethod times;
  ASSERT_EQ(p.load("plus", &plus), Error::Ok) << error_message();
  ASSERT_EQ(p.load("times", &times), Error::Ok) << error_message();
  InputTensor<float> x({2}, {3, -4});
  ASSERT_EQ(plus->set_input(x.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(times->set_input(x.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(plus->execute(), Error::Ok) << error_message();
  ASSERT_EQ(times->execute(), Error::Ok) << error_message();
  EXPECT_EQ(values_of<float>(plus->get_output(0)), (std::vector<float>{5, -2}));
  EXPECT_EQ(values_of<float>(times->get_output(0)), (std::vector<float>{6, -8}));
  LoadedMethod missing;
  EXPECT_EQ(p.load("divide", &missing), Error::NotFound);
}

// --- Prim ops, each as the single KernelCall of a program. ---

enum class Kind { Int, Double, Bool };
struct Scalar {
  Kind kind;
  double value;
};
Scalar I(int64_t v) { return {Kind::Int, static_cast<double>(v)}; }
Scalar D(double v) { return {Kind::Double, v}; }
Scalar B(bool v) { return {Kind::Bool, v ? 1.0 : 0.0}; }

int add_scalar(MethodBuilder& m, const Scalar& s) {
  switch (s.kind) {
    case Kind::Int:
      return m.add_int(static_cast<int64_t>(s.value));
    case Kind::Double:
      return m.add_double(s.value);
    case Kind::Bool:
      return m.add_bool(s.value != 0);
  }
  return m.add_none();
}

struct ScalarCase {
  const char* op;  // executorch_prim::<op>.Scalar
  std::vector<Scalar> inputs;
  Scalar expected;
};

// A one-instruction program and its loaded method (destroyed first).
struct ScalarRun {
  std::unique_ptr<LoadedProgram> program;
  LoadedMethod method;
};

// Runs executorch_prim::<op>.Scalar on `inputs`; the out slot starts as Int 0.
Error run_scalar_op(const ScalarCase& c, ScalarRun* run) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  std::vector<int32_t> args;
  for (const Scalar& s : c.inputs) args.push_back(add_scalar(m, s));
  const int out = m.add_int(0);
  args.push_back(out);
  m.add_kernel_call(std::string("executorch_prim::") + c.op, "Scalar", args);
  m.set_outputs({out});
  run->program = std::make_unique<LoadedProgram>(pb.build());
  EMBER_TRY(run->program->error());
  EMBER_TRY(run->program->load("forward", &run->method));
  return run->method->execute();
}

TEST(PrimOpProgramTest, ScalarOps) {
  const std::vector<ScalarCase> cases = {
      {"add", {I(7), I(3)}, I(10)},
      {"add", {I(7), D(0.5)}, D(7.5)},
      {"sub", {I(7), I(10)}, I(-3)},
      {"mul", {I(6), I(7)}, I(42)},
      {"mul", {D(1.5), B(true)}, D(1.5)},
      {"floordiv", {I(-7), I(2)}, I(-4)},
      {"floordiv", {D(7.5), I(2)}, D(3.0)},
      {"truediv", {I(7), I(2)}, D(3.5)},
      {"mod", {I(-7), I(3)}, I(2)},
      {"mod", {D(7.5), I(-2)}, D(-0.5)},
      {"eq", {I(3), D(3.0)}, B(true)},
      {"gt", {I(3), I(4)}, B(false)},
      {"lt", {I(3), I(4)}, B(true)},
      {"ge", {D(4.0), I(4)}, B(true)},
      {"le", {I(5), I(4)}, B(false)},
      {"neg", {I(5)}, I(-5)},
      {"neg", {D(2.5)}, D(-2.5)},
      {"ceil", {D(2.1)}, I(3)},
      {"round", {D(2.5)}, I(2)},
      {"round", {D(3.5)}, I(4)},
      {"trunc", {D(-2.7)}, I(-2)},
      {"sym_float", {I(3)}, D(3.0)},
      {"sym_int", {D(3.9)}, I(3)},
      {"sym_max", {I(3), I(9)}, I(9)},
      {"sym_min", {I(3), I(9)}, I(3)},
      {"sym_not", {B(true)}, B(false)},
      {"sym_ite", {B(true), I(1), I(2)}, I(1)},
      {"sym_ite", {B(false), I(1), I(2)}, I(2)},
  };
  for (const ScalarCase& c : cases) {
    SCOPED_TRACE(c.op);
    ScalarRun run;
    ASSERT_EQ(run_scalar_op(c, &run), Error::Ok) << error_message();
    const EValue& out = run.method->get_output(0);
    switch (c.expected.kind) {
      case Kind::Int:
        ASSERT_TRUE(out.is_int()) << tag_name(out.tag());
        EXPECT_EQ(out.to_int(), static_cast<int64_t>(c.expected.value));
        break;
      case Kind::Double:
        ASSERT_TRUE(out.is_double()) << tag_name(out.tag());
        EXPECT_EQ(out.to_double(), c.expected.value);
        break;
      case Kind::Bool:
        ASSERT_TRUE(out.is_bool()) << tag_name(out.tag());
        EXPECT_EQ(out.to_bool(), c.expected.value != 0);
        break;
    }
  }
}

TEST(PrimOpProgramTest, DivisionByZeroFailsNamingTheOperator) {
  ScalarRun run;
  EXPECT_EQ(run_scalar_op({"floordiv", {I(1), I(0)}, I(0)}, &run), Error::InvalidArgument);
  EXPECT_TRUE(message_has("executorch_prim::floordiv.Scalar")) << error_message();
}

TEST(PrimOpProgramTest, SymSizeAndNumel) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_tensor(ScalarType::Float, {2, 3});
  const int dim = m.add_int(-1);
  const int size = m.add_int(0);
  const int numel = m.add_int(0);
  m.add_kernel_call("aten::sym_size", "int", {x, dim, size});
  m.add_kernel_call("aten::sym_numel", "", {x, numel});
  m.set_inputs({x});
  m.set_outputs({size, numel});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> in({2, 3}, std::vector<float>(6, 0));
  ASSERT_EQ(method->set_input(in.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  EXPECT_EQ(method->get_output(0).to_int(), 3);
  EXPECT_EQ(method->get_output(1).to_int(), 6);
}

TEST(PrimOpProgramTest, LocalScalarDense) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const float value = 2.5f;
  const int t = m.add_constant_tensor(ScalarType::Float, {1}, &value);
  const int out = m.add_int(0);
  m.add_kernel_call("aten::_local_scalar_dense", "", {t, out});
  m.set_outputs({out});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  ASSERT_TRUE(method->get_output(0).is_double());
  EXPECT_EQ(method->get_output(0).to_double(), 2.5);
}

TEST(PrimOpProgramTest, EtViewAliasesTheInput) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int x = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int d0 = m.add_int(3);
  const int d1 = m.add_int(-1);
  const int size = m.add_int_list({d0, d1});
  const int out = m.add_tensor(ScalarType::Float, {3, 2});
  m.add_kernel_call("executorch_prim::et_view", "default", {x, size, out});
  m.set_inputs({x});
  m.set_outputs({out});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> in({2, 3}, {1, 2, 3, 4, 5, 6});
  ASSERT_EQ(method->set_input(in.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  const EValue& y = method->get_output(0);
  EXPECT_EQ(sizes_of(y), (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(y.to_tensor().const_data_ptr(), method->get_input(0).to_tensor().const_data_ptr());
}

TEST(PrimOpProgramTest, EtCopyIndexWritesOneRow) {
  ProgramBuilder pb;
  MethodBuilder& m = pb.add_method("forward");
  const int row = m.add_arena_tensor(ScalarType::Float, {3});
  const int table = m.add_arena_tensor(ScalarType::Float, {2, 3});
  const int index = m.add_int(1);
  m.add_kernel_call("executorch_prim::et_copy_index", "tensor", {table, row, index});
  m.set_inputs({row});
  m.set_outputs({table});
  LoadedProgram p(pb.build());
  ASSERT_EQ(p.error(), Error::Ok) << error_message();
  LoadedMethod method;
  ASSERT_EQ(p.load("forward", &method), Error::Ok) << error_message();
  InputTensor<float> in({3}, {7, 8, 9});
  ASSERT_EQ(method->set_input(in.value(), 0), Error::Ok) << error_message();
  ASSERT_EQ(method->execute(), Error::Ok) << error_message();
  // Row 0 keeps the arena's initial zeros.
  EXPECT_EQ(values_of<float>(method->get_output(0)), (std::vector<float>{0, 0, 0, 7, 8, 9}));
}

}  // namespace
}  // namespace ember
