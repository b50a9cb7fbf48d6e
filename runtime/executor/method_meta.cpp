#include "runtime/executor/method_meta.h"

#include <cstdio>
#include <cstring>

#include "runtime/backend/backend_interface.h"
#include "runtime/executor/method.h"
#include "runtime/executor/method_layout.h"
#include "runtime/executor/schema_access.h"

namespace ember {

namespace fb = ::executorch_flatbuffer;

namespace {
template <typename T>
size_t vsize(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? 0 : v->size();
}
}  // namespace

Tag tag_of_kernel_type(uint8_t kernel_types_value) {
  switch (static_cast<fb::KernelTypes>(kernel_types_value)) {
    case fb::KernelTypes::Int: return Tag::Int;
    case fb::KernelTypes::Bool: return Tag::Bool;
    case fb::KernelTypes::Double: return Tag::Double;
    case fb::KernelTypes::Tensor: return Tag::Tensor;
    case fb::KernelTypes::String: return Tag::String;
    case fb::KernelTypes::IntList: return Tag::ListInt;
    case fb::KernelTypes::DoubleList: return Tag::ListDouble;
    case fb::KernelTypes::BoolList: return Tag::ListBool;
    case fb::KernelTypes::TensorList: return Tag::ListTensor;
    case fb::KernelTypes::OptionalTensorList: return Tag::ListOptionalTensor;
    default: return Tag::None;
  }
}

const char* MethodMeta::name() const { return plan_->name()->c_str(); }

size_t MethodMeta::num_inputs() const { return vsize(plan_->inputs()); }
size_t MethodMeta::num_outputs() const { return vsize(plan_->outputs()); }

Result<Tag> MethodMeta::value_tag(int32_t value_index) const {
  return tag_of_kernel_type(static_cast<uint8_t>(detail::value_type(plan_, value_index)));
}

Result<Tag> MethodMeta::input_tag(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_inputs(), Error::InvalidArgument, "method '%s': input %zu out of range (%zu inputs)",
                        name(), index, num_inputs());
  return value_tag(plan_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(index)));
}

Result<Tag> MethodMeta::output_tag(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_outputs(), Error::InvalidArgument,
                        "method '%s': output %zu out of range (%zu outputs)", name(), index, num_outputs());
  return value_tag(plan_->outputs()->Get(static_cast<flatbuffers::uoffset_t>(index)));
}

Result<TensorInfo> MethodMeta::tensor_info(int32_t value_index) const {
  EMBER_CHECK_OR_RETURN(detail::value_type(plan_, value_index) == fb::KernelTypes::Tensor, Error::InvalidArgument,
                        "method '%s': value %d is not a tensor", name(), value_index);
  const fb::Tensor* t = plan_->values()->Get(static_cast<flatbuffers::uoffset_t>(value_index))->val_as_Tensor();
  TensorInfo info;
  if (t->sizes() != nullptr) info.sizes = ArrayRef<int32_t>(t->sizes()->data(), t->sizes()->size());
  if (t->dim_order() != nullptr) info.dim_order = ArrayRef<uint8_t>(t->dim_order()->data(), t->dim_order()->size());
  info.dtype = static_cast<ScalarType>(t->scalar_type());
  info.dynamism = static_cast<TensorShapeDynamism>(t->shape_dynamism());
  info.is_memory_planned = t->allocation_info() != nullptr;
  detail::tensor_nbytes(t, &info.nbytes);
  return info;
}

Result<TensorInfo> MethodMeta::input_tensor_info(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_inputs(), Error::InvalidArgument, "method '%s': input %zu out of range (%zu inputs)",
                        name(), index, num_inputs());
  return tensor_info(plan_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(index)));
}

Result<TensorInfo> MethodMeta::output_tensor_info(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_outputs(), Error::InvalidArgument,
                        "method '%s': output %zu out of range (%zu outputs)", name(), index, num_outputs());
  return tensor_info(plan_->outputs()->Get(static_cast<flatbuffers::uoffset_t>(index)));
}

size_t MethodMeta::num_memory_planned_buffers() const {
  size_t n = vsize(plan_->non_const_buffer_sizes());
  return n == 0 ? 0 : n - 1;
}

Result<size_t> MethodMeta::memory_planned_buffer_size(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_memory_planned_buffers(), Error::InvalidArgument,
                        "method '%s': planned buffer %zu out of range (%zu buffers)", name(), index,
                        num_memory_planned_buffers());
  return static_cast<size_t>(plan_->non_const_buffer_sizes()->Get(static_cast<flatbuffers::uoffset_t>(index + 1)));
}

size_t MethodMeta::method_allocator_bytes() const {
  using detail::request_bytes;
  size_t total = 0;
  size_t num_values = vsize(plan_->values());
  total += request_bytes(num_values * sizeof(EValue));
  total += request_bytes(num_inputs() * sizeof(bool));
  for (size_t i = 0; i < num_values; ++i) {
    const fb::EValue* v = plan_->values()->Get(static_cast<flatbuffers::uoffset_t>(i));
    switch (v->val_type()) {
      case fb::KernelTypes::Tensor:
        total += request_bytes(detail::tensor_block_bytes(detail::tensor_rank(v->val_as_Tensor())));
        break;
      case fb::KernelTypes::IntList:
        total += request_bytes(detail::boxed_list_bytes<int64_t>(vsize(v->val_as_IntList()->items())));
        break;
      case fb::KernelTypes::BoolList:
        total += request_bytes(vsize(v->val_as_BoolList()->items()) * sizeof(bool));
        break;
      case fb::KernelTypes::DoubleList:
        total += request_bytes(vsize(v->val_as_DoubleList()->items()) * sizeof(double));
        break;
      case fb::KernelTypes::TensorList:
        total += request_bytes(detail::boxed_list_bytes<Tensor>(vsize(v->val_as_TensorList()->items())));
        break;
      case fb::KernelTypes::OptionalTensorList:
        total += request_bytes(detail::boxed_list_bytes<OptionalTensor>(vsize(v->val_as_OptionalTensorList()->items())));
        break;
      default:
        break;
    }
  }
  size_t num_delegates = vsize(plan_->delegates());
  total += request_bytes(num_delegates * Method::delegate_state_bytes());
  for (size_t d = 0; d < num_delegates; ++d) {
    total += request_bytes(vsize(plan_->delegates()->Get(static_cast<flatbuffers::uoffset_t>(d))->compile_specs()) *
                           sizeof(CompileSpec));
  }
  size_t num_instructions = num_instructions_total();
  total += request_bytes(num_instructions * Method::instruction_bytes());
  for (size_t c = 0; c < vsize(plan_->chains()); ++c) {
    const fb::Chain* chain = plan_->chains()->Get(static_cast<flatbuffers::uoffset_t>(c));
    for (size_t k = 0; k < vsize(chain->instructions()); ++k) {
      const fb::Instruction* ins = chain->instructions()->Get(static_cast<flatbuffers::uoffset_t>(k));
      const flatbuffers::Vector<int32_t>* args = nullptr;
      if (ins->instr_args_type() == fb::InstructionArguments::KernelCall) {
        args = ins->instr_args_as_KernelCall()->args();
      } else if (ins->instr_args_type() == fb::InstructionArguments::DelegateCall) {
        args = ins->instr_args_as_DelegateCall()->args();
      }
      total += request_bytes(vsize(args) * sizeof(EValue*));
    }
  }
  return total;
}

size_t MethodMeta::num_instructions_total() const {
  size_t n = 0;
  for (size_t c = 0; c < vsize(plan_->chains()); ++c) {
    n += vsize(plan_->chains()->Get(static_cast<flatbuffers::uoffset_t>(c))->instructions());
  }
  return n;
}

size_t MethodMeta::num_instructions() const { return num_instructions_total(); }

size_t MethodMeta::num_operators() const { return vsize(plan_->operators()); }

Result<const char*> MethodMeta::operator_name(size_t index, char* buffer, size_t buffer_size) const {
  EMBER_CHECK_OR_RETURN(index < num_operators() && buffer != nullptr && buffer_size > 0, Error::InvalidArgument,
                        "method '%s': operator %zu out of range (%zu operators)", name(), index, num_operators());
  detail::format_operator_name(plan_->operators()->Get(static_cast<flatbuffers::uoffset_t>(index)), buffer,
                               buffer_size);
  return static_cast<const char*>(buffer);
}

size_t MethodMeta::num_delegates() const { return vsize(plan_->delegates()); }

Result<const char*> MethodMeta::delegate_id(size_t index) const {
  EMBER_CHECK_OR_RETURN(index < num_delegates(), Error::InvalidArgument,
                        "method '%s': delegate %zu out of range (%zu delegates)", name(), index, num_delegates());
  return plan_->delegates()->Get(static_cast<flatbuffers::uoffset_t>(index))->id()->c_str();
}

bool MethodMeta::uses_backend(const char* backend_id) const {
  for (size_t d = 0; d < num_delegates(); ++d) {
    if (std::strcmp(plan_->delegates()->Get(static_cast<flatbuffers::uoffset_t>(d))->id()->c_str(), backend_id) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace ember
