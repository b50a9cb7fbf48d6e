#include "backends/xnnpack/runtime/xnnpack_executor.h"

#include <cstring>
#include <new>

#include "backends/xnnpack/runtime/node_factory.h"
#include "backends/xnnpack/runtime/xnnpack_backend.h"
#include "runtime/core/named_data_map.h"
#include "xnnpack_graph_generated.h"

namespace ember::xnnpack {
namespace {

template <typename T>
size_t vsize(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? 0 : v->size();
}

// XNNPACK kernels may read up to this many bytes past the end of a tensor.
constexpr size_t kExtraBytes = 16;
constexpr size_t kArenaAlignment = 64;

void* alloc(MemoryAllocator* allocator, size_t bytes, size_t alignment = 16) {
  return bytes == 0 ? nullptr : allocator->allocate(bytes, alignment);
}

// A value's datatype as serialized (qdint8 values are stored as fp32 here).
fb_xnnpack::XNNDatatype declared_type(const XnnpackBlob& blob, uint32_t id) {
  const fb_xnnpack::XValue* xv = blob.graph->xvalues()->Get(id);
  const fb_xnnpack::XNNTensorValue* tv = xv->xvalue_union_as_XNNTensorValue();
  if (const fb_xnnpack::XNNQuantizedTensorValue* qv = xv->xvalue_union_as_XNNQuantizedTensorValue()) {
    tv = qv->tensor_value();
  }
  return tv == nullptr ? fb_xnnpack::XNNDatatype::xnn_datatype_invalid : tv->datatype();
}

bool scalar_type_matches(DataType type, ScalarType st) {
  switch (type) {
    case DataType::Fp32: return st == ScalarType::Float;
    case DataType::QInt8: return st == ScalarType::Char || st == ScalarType::QInt8;
    case DataType::QUInt8: return st == ScalarType::Byte || st == ScalarType::QUInt8;
    case DataType::QInt32:
    case DataType::Int32: return st == ScalarType::Int || st == ScalarType::QInt32;
    default: return false;
  }
}

}  // namespace

const char* data_type_name(DataType type) {
  const char* name = fb_xnnpack::EnumNameXNNDatatype(static_cast<fb_xnnpack::XNNDatatype>(type));
  return name == nullptr || name[0] == '\0' ? "unknown" : name;
}

size_t data_type_size(DataType type) {
  switch (type) {
    case DataType::Fp32:
    case DataType::QInt32:
    case DataType::QCInt32:
    case DataType::Int32:
      return 4;
    case DataType::Fp16:
    case DataType::BFloat16:
      return 2;
    case DataType::QInt8:
    case DataType::QUInt8:
    case DataType::QCInt8:
    case DataType::QDInt8:
      return 1;
    default:
      return 0;
  }
}

Result<XnnpackExecutor*> XnnpackExecutor::create(const XnnpackBlob& blob, BackendInitContext& context) {
  MemoryAllocator* allocator = context.runtime_allocator;
  EMBER_CHECK_OR_RETURN(allocator != nullptr, Error::InvalidArgument, "XnnpackBackend: no runtime allocator");
  void* p = alloc(allocator, sizeof(XnnpackExecutor), alignof(XnnpackExecutor) < 16 ? 16 : alignof(XnnpackExecutor));
  EMBER_CHECK_OR_RETURN(p != nullptr, Error::MemoryAllocationFailed,
                        "XnnpackBackend: method allocator exhausted (%zu bytes for the executor)",
                        sizeof(XnnpackExecutor));
  auto* executor = new (p) XnnpackExecutor();
  Error e = executor->build_values(blob, context);
  if (e == Error::Ok) e = executor->plan_arena(allocator);
  if (e == Error::Ok) e = executor->build_nodes(blob, context);
  if (e != Error::Ok) {
    executor->~XnnpackExecutor();
    return e;
  }
  return executor;
}

XnnpackExecutor::~XnnpackExecutor() {
  for (size_t i = 0; i < num_nodes_; ++i) {
    if (nodes_[i] != nullptr) nodes_[i]->~Node();
  }
  for (size_t i = 0; kept_ != nullptr && i < num_values_; ++i) kept_[i].~FreeableBuffer();
}

Error XnnpackExecutor::resolve_constant(const XnnpackBlob& blob, BackendInitContext& context, size_t v,
                                        uint32_t index) {
  Value& value = values_[v];
  size_t need = value.nbytes();
  const void* data = nullptr;
  size_t have = 0;
  EMBER_TRY(locate_constant(blob, context, v, index, &kept_[v], &data, &have));
  EMBER_CHECK_OR_RETURN(have >= need, Error::InvalidProgram,
                        "XnnpackBackend: value %zu: constant holds %zu bytes, the tensor needs %zu", v, have, need);
  size_t esize = data_type_size(value.type);
  if (esize > 1 && reinterpret_cast<uintptr_t>(data) % esize != 0) {
    // Misaligned in the file: keep an aligned copy in the method allocator.
    void* copy = alloc(context.runtime_allocator, need);
    EMBER_CHECK_OR_RETURN(copy != nullptr || need == 0, Error::MemoryAllocationFailed,
                          "XnnpackBackend: value %zu: method allocator exhausted", v);
    if (need > 0) std::memcpy(copy, data, need);
    data = copy;
  }
  value.constant = data;
  value.data = const_cast<void*>(data);
  return Error::Ok;
}

Error XnnpackExecutor::locate_constant(const XnnpackBlob& blob, BackendInitContext& context, size_t v,
                                       uint32_t index, FreeableBuffer* holder, const void** data, size_t* have) {
  const fb_xnnpack::XNNGraph* g = blob.graph;
  if (vsize(g->constant_data()) > 0) {
    EMBER_CHECK_OR_RETURN(index < g->constant_data()->size(), Error::InvalidProgram,
                          "XnnpackBackend: value %zu: constant %u out of range (%u entries)", v, index,
                          g->constant_data()->size());
    const fb_xnnpack::ConstantDataOffset* c = g->constant_data()->Get(index);
    if (c->named_key() != nullptr && c->named_key()->size() > 0) {
      EMBER_CHECK_OR_RETURN(context.named_data != nullptr, Error::InvalidExternalData,
                            "XnnpackBackend: value %zu: constant '%s' is named data, but the program has none", v,
                            c->named_key()->c_str());
      Result<FreeableBuffer> buffer = context.named_data->get_data(c->named_key()->c_str());
      if (!buffer.ok()) return add_context(buffer.error(), "XnnpackBackend: value %zu", v);
      *holder = std::move(*buffer);
      *data = holder->data();
      *have = holder->size();
    } else {
      uint64_t offset = c->offset();
      EMBER_CHECK_OR_RETURN(offset <= blob.constants_size && c->size() <= blob.constants_size - offset,
                            Error::InvalidProgram,
                            "XnnpackBackend: value %zu: constant [%llu, +%llu) outside the blob's %zu constant bytes", v,
                            static_cast<unsigned long long>(offset), static_cast<unsigned long long>(c->size()),
                            blob.constants_size);
      *data = blob.constants + offset;
      *have = static_cast<size_t>(c->size());
    }
  } else {
    EMBER_CHECK_OR_RETURN(index < vsize(g->constant_buffer()) && g->constant_buffer()->Get(index)->storage() != nullptr,
                          Error::InvalidProgram, "XnnpackBackend: value %zu: constant buffer %u out of range", v, index);
    *data = g->constant_buffer()->Get(index)->storage()->data();
    *have = g->constant_buffer()->Get(index)->storage()->size();
  }
  return Error::Ok;
}

Error XnnpackExecutor::resolve_scales(const XnnpackBlob& blob, BackendInitContext& context, size_t v,
                                      uint32_t index, size_t channels) {
  FreeableBuffer holder;
  const void* data = nullptr;
  size_t have = 0;
  EMBER_TRY(locate_constant(blob, context, v, index, &holder, &data, &have));
  EMBER_CHECK_OR_RETURN(have >= channels * sizeof(float), Error::InvalidProgram,
                        "XnnpackBackend: value %zu: scale buffer %u holds %zu bytes, %zu channels need %zu", v, index,
                        have, channels, channels * sizeof(float));
  auto* scales = static_cast<float*>(alloc(context.runtime_allocator, channels * sizeof(float)));
  EMBER_CHECK_OR_RETURN(scales != nullptr || channels == 0, Error::MemoryAllocationFailed,
                        "XnnpackBackend: value %zu: method allocator exhausted (scales)", v);
  if (channels > 0) std::memcpy(scales, data, channels * sizeof(float));
  values_[v].quant.channel_scales = scales;
  return Error::Ok;
}

Error XnnpackExecutor::build_values(const XnnpackBlob& blob, BackendInitContext& context) {
  const fb_xnnpack::XNNGraph* g = blob.graph;
  MemoryAllocator* allocator = context.runtime_allocator;
  num_values_ = vsize(g->xvalues());
  num_externs_ = g->num_externs();
  EMBER_CHECK_OR_RETURN(num_externs_ <= 4096, Error::InvalidProgram, "XnnpackBackend: %zu externals (max 4096)",
                        num_externs_);
  values_ = static_cast<Value*>(alloc(allocator, num_values_ * sizeof(Value)));
  kept_ = static_cast<FreeableBuffer*>(alloc(allocator, num_values_ * sizeof(FreeableBuffer)));
  externals_ = static_cast<uint32_t*>(alloc(allocator, num_values_ * sizeof(uint32_t)));
  EMBER_CHECK_OR_RETURN(num_values_ == 0 || (values_ != nullptr && kept_ != nullptr && externals_ != nullptr),
                        Error::MemoryAllocationFailed, "XnnpackBackend: method allocator exhausted (%zu values)",
                        num_values_);
  for (size_t i = 0; i < num_values_; ++i) {
    new (&values_[i]) Value();
    new (&kept_[i]) FreeableBuffer();
  }
  bool extern_seen[4096] = {};
  for (size_t i = 0; i < num_values_; ++i) {
    const fb_xnnpack::XValue* xv = g->xvalues()->Get(static_cast<flatbuffers::uoffset_t>(i));
    const fb_xnnpack::XNNTensorValue* tv = nullptr;
    const fb_xnnpack::XNNQuantizedTensorValue* qv = nullptr;
    if (xv->xvalue_union_type() == fb_xnnpack::XValueUnion::XNNTensorValue) {
      tv = xv->xvalue_union_as_XNNTensorValue();
    } else if (xv->xvalue_union_type() == fb_xnnpack::XValueUnion::XNNQuantizedTensorValue) {
      qv = xv->xvalue_union_as_XNNQuantizedTensorValue();
      tv = qv != nullptr ? qv->tensor_value() : nullptr;
    }
    EMBER_CHECK_OR_RETURN(tv != nullptr, Error::InvalidProgram, "XnnpackBackend: value %zu has no tensor description",
                          i);
    // Values are referred to by id_out; ExecuTorch writes them in order.
    EMBER_CHECK_OR_RETURN(tv->id_out() == i, Error::InvalidProgram,
                          "XnnpackBackend: value %zu has id_out %u (ids must be 0..n-1 in order)", i, tv->id_out());
    Value& v = values_[i];
    v.type = static_cast<DataType>(tv->datatype());
    EMBER_CHECK_OR_RETURN(data_type_size(v.type) > 0 || v.type == DataType::QCInt4 || v.type == DataType::QBInt4,
                          Error::NotSupported, "XnnpackBackend: value %zu: datatype %s is not supported", i,
                          data_type_name(v.type));
    EMBER_CHECK_OR_RETURN(v.type != DataType::QCInt4 && v.type != DataType::QBInt4, Error::NotSupported,
                          "XnnpackBackend: value %zu: 4-bit weights (%s) are not supported by this XNNPACK", i,
                          data_type_name(v.type));
    // Dynamically quantized activations (an fp32 external marked dq_datatype
    // qdint8, or a qdint8 value) are carried as fp32: the fully connected
    // that consumes them runs on dequantized weights (fully_connected_node.cpp).
    auto dq = static_cast<fb_xnnpack::XNNDatatype>(tv->dq_datatype());
    EMBER_CHECK_OR_RETURN(dq == fb_xnnpack::XNNDatatype::xnn_datatype_invalid ||
                              (dq == fb_xnnpack::XNNDatatype::xnn_datatype_qdint8 && v.type == DataType::Fp32),
                          Error::NotSupported,
                          "XnnpackBackend: value %zu: dynamic quantization to %s of a %s value is not supported", i,
                          data_type_name(static_cast<DataType>(dq)), data_type_name(v.type));
    if (v.type == DataType::QDInt8) v.type = DataType::Fp32;
    size_t rank = vsize(tv->dims());
    EMBER_CHECK_OR_RETURN(rank <= kMaxDims && tv->num_dims() == rank, Error::InvalidProgram,
                          "XnnpackBackend: value %zu: rank %zu (num_dims %u) exceeds %zu or disagrees", i, rank,
                          tv->num_dims(), kMaxDims);
    v.rank = rank;
    size_t numel = 1;
    for (size_t d = 0; d < rank; ++d) {
      v.dims[d] = tv->dims()->Get(static_cast<flatbuffers::uoffset_t>(d));
      EMBER_CHECK_OR_RETURN(!__builtin_mul_overflow(numel, v.dims[d], &numel) && numel <= (size_t{1} << 40),
                            Error::InvalidProgram, "XnnpackBackend: value %zu: element count overflows", i);
    }
    v.capacity = numel;
    if (qv != nullptr) {
      switch (qv->quant_params_type()) {
        case fb_xnnpack::XNNQuantParams::PerTensorQuant: {
          const fb_xnnpack::PerTensorQuant* q = qv->quant_params_as_PerTensorQuant();
          EMBER_CHECK_OR_RETURN(q != nullptr, Error::InvalidProgram, "XnnpackBackend: value %zu: empty quant params", i);
          v.quant.scale = q->scale();
          v.quant.zero_point = q->zero_point();
          break;
        }
        case fb_xnnpack::XNNQuantParams::PerChannelQuant: {
          const fb_xnnpack::PerChannelQuant* q = qv->quant_params_as_PerChannelQuant();
          EMBER_CHECK_OR_RETURN(q != nullptr, Error::InvalidProgram, "XnnpackBackend: value %zu: empty quant params", i);
          EMBER_CHECK_OR_RETURN(q->channel_dim() >= 0 && static_cast<size_t>(q->channel_dim()) < rank,
                                Error::InvalidProgram, "XnnpackBackend: value %zu: channel dim %d outside rank %zu", i,
                                q->channel_dim(), rank);
          size_t channels = v.dims[q->channel_dim()];
          if (q->scale_buffer_idx() != 0) {
            // Scales in constant data: copied into the method allocator.
            EMBER_TRY(resolve_scales(blob, context, i, q->scale_buffer_idx(), channels));
          } else {
            EMBER_CHECK_OR_RETURN(vsize(q->scale()) == channels, Error::InvalidProgram,
                                  "XnnpackBackend: value %zu: %zu per-channel scales for %zu channels (dim %d)", i,
                                  vsize(q->scale()), channels, q->channel_dim());
            v.quant.channel_scales = q->scale()->data();
          }
          v.quant.num_channel_scales = channels;
          v.quant.channel_dim = q->channel_dim();
          break;
        }
        case fb_xnnpack::XNNQuantParams::PerTokenDynamicQuant:
          // Scales are per run; the value is carried as fp32 (see dq above).
          EMBER_CHECK_OR_RETURN(static_cast<DataType>(tv->datatype()) == DataType::QDInt8, Error::InvalidProgram,
                                "XnnpackBackend: value %zu: per-token dynamic quantization on a %s value", i,
                                data_type_name(static_cast<DataType>(tv->datatype())));
          break;
        case fb_xnnpack::XNNQuantParams::PerChannelGroupQuant:
          return fail(Error::NotSupported,
                      "XnnpackBackend: value %zu: blockwise (per-channel group) 4-bit weights are not supported by "
                      "this XNNPACK",
                      i);
        default:
          return fail(Error::NotSupported, "XnnpackBackend: value %zu: quantization %s is not supported yet", i,
                      fb_xnnpack::EnumNameXNNQuantParams(qv->quant_params_type()));
      }
    }
    uint32_t flags = tv->flags();
    v.is_input = (flags & 1u) != 0;
    v.is_output = (flags & 2u) != 0;
    if (v.is_input || v.is_output) {
      uint32_t id = tv->external_id();
      EMBER_CHECK_OR_RETURN(id < num_externs_ && !extern_seen[id], Error::InvalidProgram,
                            "XnnpackBackend: value %zu: external id %u out of range or used twice (%zu externals)", i,
                            id, num_externs_);
      EMBER_CHECK_OR_RETURN(tv->constant_buffer_idx() == 0, Error::InvalidProgram,
                            "XnnpackBackend: value %zu is both external and constant", i);
      extern_seen[id] = true;
      v.external_id = id;
      externals_[num_externals_++] = static_cast<uint32_t>(i);
    } else if (tv->constant_buffer_idx() != 0) {
      EMBER_TRY(resolve_constant(blob, context, i, tv->constant_buffer_idx()));
    }
  }
  return Error::Ok;
}

Error XnnpackExecutor::plan_arena(MemoryAllocator* allocator) {
  size_t total = 0;
  for (size_t i = 0; i < num_values_; ++i) {
    const Value& v = values_[i];
    if (v.is_external() || v.constant != nullptr) continue;
    size_t bytes = 0;
    EMBER_CHECK_OR_RETURN(!__builtin_mul_overflow(v.capacity, data_type_size(v.type), &bytes) &&
                              !__builtin_add_overflow(total, bytes + kExtraBytes + kArenaAlignment, &total),
                          Error::InvalidProgram, "XnnpackBackend: internal tensors overflow the arena size");
  }
  arena_bytes_ = total;
  uint8_t* arena = static_cast<uint8_t*>(alloc(allocator, total, kArenaAlignment));
  EMBER_CHECK_OR_RETURN(total == 0 || arena != nullptr, Error::MemoryAllocationFailed,
                        "XnnpackBackend: method allocator exhausted (%zu bytes for internal tensors)", total);
  size_t offset = 0;
  for (size_t i = 0; i < num_values_; ++i) {
    Value& v = values_[i];
    if (v.is_external() || v.constant != nullptr) continue;
    v.data = arena + offset;
    offset += (v.capacity * data_type_size(v.type) + kExtraBytes + kArenaAlignment - 1) & ~(kArenaAlignment - 1);
  }
  return Error::Ok;
}

Error XnnpackExecutor::build_nodes(const XnnpackBlob& blob, BackendInitContext& context) {
  auto* xnodes = blob.graph->xnodes();
  size_t n = vsize(xnodes);
  nodes_ = static_cast<Node**>(alloc(context.runtime_allocator, n * sizeof(Node*)));
  EMBER_CHECK_OR_RETURN(n == 0 || nodes_ != nullptr, Error::MemoryAllocationFailed,
                        "XnnpackBackend: method allocator exhausted (%zu nodes)", n);
  for (size_t i = 0; i < n; ++i) nodes_[i] = nullptr;
  for (size_t i = 0; i < n; ++i) {
    NodeBuildContext build;
    build.allocator = context.runtime_allocator;
    build.values = values_;
    build.num_values = num_values_;
    build.node_index = static_cast<uint32_t>(i);
    const fb_xnnpack::XNode* xnode = xnodes->Get(static_cast<flatbuffers::uoffset_t>(i));
    const fb_xnnpack::_XNNNode1x1* dq = xnode->xnode_union_as_XNNConvert();
    if (dq != nullptr && dq->output_id() < num_values_ &&
        declared_type(blob, dq->output_id()) == fb_xnnpack::XNNDatatype::xnn_datatype_qdint8) {
      build.kind = "XNNConvert";
      EMBER_ASSIGN_OR_RETURN(nodes_[i], create_dynamic_quantize_node(dq->input_id(), dq->output_id(), build));
    } else {
      EMBER_ASSIGN_OR_RETURN(nodes_[i], create_node(xnode, build));
    }
    num_nodes_ = i + 1;
  }
  return Error::Ok;
}

Error XnnpackExecutor::bind_externals(Span<EValue*> args, bool* shapes_changed, bool* pointers_changed) {
  EMBER_CHECK_OR_RETURN(args.size() == num_externs_, Error::InvalidArgument,
                        "XnnpackBackend: delegate call passes %zu arguments, the graph has %zu externals", args.size(),
                        num_externs_);
  for (size_t k = 0; k < num_externals_; ++k) {
    Value& v = values_[externals_[k]];
    const EValue* arg = args[v.external_id];
    EMBER_CHECK_OR_RETURN(arg->is_tensor() && arg->to_tensor().impl() != nullptr, Error::InvalidArgument,
                          "XnnpackBackend: argument %u is a %s, not a tensor", v.external_id, tag_name(arg->tag()));
    Tensor t = arg->to_tensor();
    EMBER_CHECK_OR_RETURN(scalar_type_matches(v.type, t.scalar_type()), Error::InvalidArgument,
                          "XnnpackBackend: argument %u has dtype %s, the graph expects %s", v.external_id,
                          scalar_type_name(t.scalar_type()), data_type_name(v.type));
    // ExecuTorch serializes a 0-dim tensor as a 1-D value of one element.
    bool scalar_as_1d = t.dim() == 0 && v.rank == 1;
    EMBER_CHECK_OR_RETURN(t.dim() == v.rank || scalar_as_1d, Error::InvalidArgument,
                          "XnnpackBackend: argument %u has rank %zu, the graph expects %zu", v.external_id, t.dim(),
                          v.rank);
    if (v.is_input) {
      size_t numel = 1;
      for (size_t d = 0; d < v.rank; ++d) {
        size_t dim = scalar_as_1d ? 1 : static_cast<size_t>(t.sizes()[t.dim_order()[d]]);
        numel *= dim;
        if (dim != v.dims[d]) {
          v.dims[d] = dim;
          *shapes_changed = true;
        }
      }
      EMBER_CHECK_OR_RETURN(numel <= v.capacity, Error::InvalidArgument,
                            "XnnpackBackend: argument %u has %zu elements, more than the graph's bound of %zu",
                            v.external_id, numel, v.capacity);
    }
    void* data = t.mutable_data_ptr();
    EMBER_CHECK_OR_RETURN(data != nullptr || t.nbytes() == 0, Error::InvalidArgument,
                          "XnnpackBackend: argument %u has no data", v.external_id);
    if (data != v.data) {
      v.data = data;
      *pointers_changed = true;
    }
  }
  return Error::Ok;
}

Error XnnpackExecutor::resize_outputs(Span<EValue*> args) {
  for (size_t k = 0; k < num_externals_; ++k) {
    const Value& v = values_[externals_[k]];
    if (!v.is_output) continue;
    TensorImpl* t = args[v.external_id]->to_tensor().impl();
    if (t->dim() == 0 && v.rank == 1 && v.dims[0] == 1) continue;
    SizesType sizes[kMaxDims];
    for (size_t d = 0; d < v.rank; ++d) sizes[t->dim_order()[d]] = static_cast<SizesType>(v.dims[d]);
    Error e = t->resize(ArrayRef<SizesType>(sizes, v.rank));
    if (e != Error::Ok) return add_context(e, "XnnpackBackend: output argument %u", v.external_id);
    EMBER_CHECK_OR_RETURN(t->numel_capacity() >= v.numel(), Error::InvalidArgument,
                          "XnnpackBackend: output argument %u holds %zu elements, the graph produces %zu", v.external_id,
                          t->numel_capacity(), v.numel());
  }
  return Error::Ok;
}

Error XnnpackExecutor::execute(Span<EValue*> args, pthreadpool_t pool, EventTracer* tracer, uint32_t instruction) {
  bool expected = false;
  EMBER_CHECK_OR_RETURN(busy_.compare_exchange_strong(expected, true), Error::InvalidState,
                        "XnnpackBackend: delegate is already executing");
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag.store(false); }
  } release{busy_};

  bool shapes_changed = !prepared_;
  bool pointers_changed = !prepared_;
  EMBER_TRY(bind_externals(args, &shapes_changed, &pointers_changed));
  if (shapes_changed) {
    prepared_ = false;
    for (size_t i = 0; i < num_nodes_; ++i) EMBER_TRY(nodes_[i]->reshape(values_));
    EMBER_TRY(resize_outputs(args));
    // Output tensors may only now have their final size: rebind their pointers.
    bool ignored = false;
    EMBER_TRY(bind_externals(args, &ignored, &ignored));
  }
  if (shapes_changed || pointers_changed) {
    for (size_t i = 0; i < num_nodes_; ++i) EMBER_TRY(nodes_[i]->setup(values_, pool));
    prepared_ = true;
  }
  if (tracer == nullptr) {
    for (size_t i = 0; i < num_nodes_; ++i) EMBER_TRY(nodes_[i]->run(pool));
    return Error::Ok;
  }
  ProfileEvent event;
  event.kind = EventKind::DelegateNode;
  event.detail = kXnnpackBackendId;
  event.parent = instruction;
  for (size_t i = 0; i < num_nodes_; ++i) {
    event.name = nodes_[i]->kind();
    event.index = nodes_[i]->index();
    event.start_ns = EventTracer::now_ns();
    Error e = nodes_[i]->run(pool);
    event.end_ns = EventTracer::now_ns();
    tracer->record(event);
    EMBER_TRY(e);
  }
  return Error::Ok;
}

}  // namespace ember::xnnpack
