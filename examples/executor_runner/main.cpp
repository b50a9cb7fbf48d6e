// executor_runner: loads a .pte (or a bundled .bpte), runs a method and
// prints its outputs, timings, or a description of the program.
//
// Exit status: 0 success, 1 load/run error or a failed bundled test case,
// 2 usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/module/npy.h"
#include "examples/executor_runner/profile_table.h"
#include "examples/executor_runner/run_report.h"
#include "examples/executor_runner/value_format.h"
#include "runtime/bundled/bundled_program.h"
#include "runtime/kernel/kernel_registry.h"
#include "runtime/module/module.h"

namespace ember::runner {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "usage:\n"
    "  executor_runner --model PATH [--method NAME] [--input FILE]... [--output-dir DIR]\n"
    "                  [--iterations N] [--warmup N] [--threads N] [--print none|summary|all]\n"
    "                  [--rtol X] [--atol X] [--json] [--profile]\n"
    "  executor_runner --model PATH --info     # methods, inputs/outputs, operators, delegates, memory\n"
    "  executor_runner --list-kernels          # every registered kernel, one per line\n"
    "\n"
    "  --input FILE    once per method input, in order: .npy, or raw bytes of the declared\n"
    "                  dtype and shape. Without --input, tensors are ones and scalars take\n"
    "                  the values traced into the program.\n"
    "  A .bpte (bundled program) runs every bundled test case and prints PASS/FAIL\n"
    "  (tolerance |a - e| <= atol + rtol * |e|, default 1e-4 each).\n"
    "\n"
    "  Timing: program load, method init (XNNPACK weight packing included), the\n"
    "  first run, then --warmup untimed and --iterations timed runs (each binds its\n"
    "  inputs again); memory: RSS before load and peak RSS (getrusage ru_maxrss).\n"
    "  --profile  after the timed runs, --iterations more runs (at least 1) with an\n"
    "             event tracer: a table of time per operator (kernel calls by\n"
    "             operator name, delegate calls) and per delegate node (XNNPACK\n"
    "             nodes by kind, e.g. xnnpack:XNNConv2d): count, total, ms/run, share.\n"
    "  --json     prints only one JSON object on stdout (no outputs, no text):\n"
    "     schema \"ember-runner-bench/1\"; model, method (strings); threads, runs, warmup;\n"
    "     program_load_ms, method_init_ms, load_init_ms, first_run_ms;\n"
    "     median_ms, p10_ms, p90_ms, min_ms, max_ms, mean_ms (timed runs; nearest-rank\n"
    "       percentiles sorted[floor(q*(n-1))], as tools/ort/ort_run.js);\n"
    "     rss_before_load_bytes, rss_after_init_bytes, rss_after_first_run_bytes,\n"
    "       rss_end_bytes, peak_rss_bytes, rss_growth_bytes (peak - before load);\n"
    "     profile: null, or {runs, execute_median_ms, instructions_median_ms,\n"
    "       delegate_calls_median_ms, delegate_nodes_median_ms (per profiled run),\n"
    "       rows: [{kind (kernel|delegate_call|control|delegate_node), op, count,\n"
    "       total_ms, share (of all instruction time; nodes: of all node time)}]}.\n";

struct Options {
  std::string model;
  std::string method;
  std::vector<std::string> inputs;
  std::string output_dir;
  long iterations = 1;
  long warmup = 0;
  long threads = 0;
  PrintMode print = PrintMode::Summary;
  double rtol = 1e-4;
  double atol = 1e-4;
  bool info = false;
  bool list_kernels = false;
  bool json = false;
  bool profile = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

bool parse_count(const std::string& text, long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < 0 || v > 1000000000) return false;
  *out = v;
  return true;
}

bool parse_real(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !(v >= 0)) return false;
  *out = v;
  return true;
}

// Fills `o`; returns -1 to go on, or an exit status (usage error / --help).
int parse_args(int argc, char** argv, Options* o) {
  const std::set<std::string> with_value = {"--model", "--method",  "--input",   "--output-dir", "--iterations",
                                            "--warmup", "--threads", "--print", "--rtol",       "--atol"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      if (with_value.count(arg) == 0) return usage_error("option '" + arg + "' takes no value");
    } else if (with_value.count(arg) != 0) {
      if (i + 1 >= argc) return usage_error("option '" + arg + "' needs a value");
      value = argv[++i];
    }
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", kUsage);
      return kExitOk;
    } else if (arg == "--model") {
      o->model = value;
    } else if (arg == "--method") {
      o->method = value;
    } else if (arg == "--input") {
      o->inputs.push_back(value);
    } else if (arg == "--output-dir") {
      o->output_dir = value;
    } else if (arg == "--iterations" || arg == "--warmup" || arg == "--threads") {
      long* target = arg == "--iterations" ? &o->iterations : arg == "--warmup" ? &o->warmup : &o->threads;
      if (!parse_count(value, target)) return usage_error("bad number '" + value + "' for " + arg);
    } else if (arg == "--rtol" || arg == "--atol") {
      if (!parse_real(value, arg == "--rtol" ? &o->rtol : &o->atol)) {
        return usage_error("bad tolerance '" + value + "' for " + arg);
      }
    } else if (arg == "--print") {
      if (value == "none") {
        o->print = PrintMode::None;
      } else if (value == "summary") {
        o->print = PrintMode::Summary;
      } else if (value == "all") {
        o->print = PrintMode::All;
      } else {
        return usage_error("--print takes none, summary or all, not '" + value + "'");
      }
    } else if (arg == "--info") {
      o->info = true;
    } else if (arg == "--list-kernels") {
      o->list_kernels = true;
    } else if (arg == "--json") {
      o->json = true;
    } else if (arg == "--profile") {
      o->profile = true;
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (!o->list_kernels && o->model.empty()) return usage_error("--model is required");
  return -1;
}

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Reports a failure the runtime recorded, in the one-line form.
int runtime_error(const Options& o, const std::string& method) {
  if (method.empty()) {
    std::fprintf(stderr, "error: %s: %s\n", o.model.c_str(), error_message());
  } else {
    // Method::init already names the method; do not say it twice.
    std::string prefix = "method '" + method + "': ";
    const char* message = error_message();
    if (std::strncmp(message, prefix.c_str(), prefix.size()) == 0) message += prefix.size();
    std::fprintf(stderr, "error: %s: %s%s\n", o.model.c_str(), prefix.c_str(), message);
  }
  return kExitError;
}

// --- --list-kernels ---

int list_kernels() {
  Error err = register_all_kernels_and_backends();
  if (err != Error::Ok) {
    std::fprintf(stderr, "error: kernel registration failed: %s\n", error_message());
    return kExitError;
  }
  const KernelRegistry& registry = KernelRegistry::global();
  std::set<std::string> seen;
  for (size_t i = 0; i < registry.size(); ++i) {
    const char* name = registry.at(i).name;
    if (name != nullptr && seen.insert(name).second) std::printf("%s\n", name);
  }
  return kExitOk;
}

// --- --info ---

const char* dynamism_name(TensorShapeDynamism d) {
  switch (d) {
    case TensorShapeDynamism::Static: return "static";
    case TensorShapeDynamism::DynamicBound: return "dynamic (bound)";
    default: return "dynamic (unbound)";
  }
}

std::string describe_io(const MethodMeta& meta, size_t index, bool input) {
  Result<Tag> tag = input ? meta.input_tag(index) : meta.output_tag(index);
  if (!tag.ok()) return std::string("? (") + error_message() + ")";
  if (*tag != Tag::Tensor) return tag_name(*tag);
  Result<TensorInfo> info = input ? meta.input_tensor_info(index) : meta.output_tensor_info(index);
  if (!info.ok()) return std::string("tensor ? (") + error_message() + ")";
  std::string s = std::string("tensor ") + scalar_type_name(info->dtype) + " " + shape_string(info->sizes) + ", " +
                  dynamism_name(info->dynamism) + ", " + (info->is_memory_planned ? "planned" : "not planned") + ", " +
                  std::to_string(info->nbytes) + " bytes";
  bool contiguous = true;
  for (size_t d = 0; d < info->dim_order.size(); ++d) contiguous = contiguous && info->dim_order[d] == d;
  if (!contiguous) {
    s += ", dim order [";
    for (size_t d = 0; d < info->dim_order.size(); ++d) s += (d ? ", " : "") + std::to_string(info->dim_order[d]);
    s += "]";
  }
  return s;
}

void print_method_info(const MethodMeta& meta) {
  std::printf("method '%s'\n", meta.name());
  std::printf("  inputs: %zu\n", meta.num_inputs());
  for (size_t i = 0; i < meta.num_inputs(); ++i) std::printf("    %zu: %s\n", i, describe_io(meta, i, true).c_str());
  std::printf("  outputs: %zu\n", meta.num_outputs());
  for (size_t i = 0; i < meta.num_outputs(); ++i) std::printf("    %zu: %s\n", i, describe_io(meta, i, false).c_str());
  std::printf("  instructions: %zu\n", meta.num_instructions());
  std::printf("  operators: %zu\n", meta.num_operators());
  for (size_t i = 0; i < meta.num_operators(); ++i) {
    char name[256];
    Result<const char*> op = meta.operator_name(i, name, sizeof(name));
    std::printf("    %s\n", op.ok() ? *op : "?");
  }
  std::printf("  delegates: %zu\n", meta.num_delegates());
  for (size_t i = 0; i < meta.num_delegates(); ++i) {
    Result<const char*> id = meta.delegate_id(i);
    std::printf("    %s\n", id.ok() ? *id : "?");
  }
  std::printf("  planned arenas: %zu\n", meta.num_memory_planned_buffers());
  size_t total = 0;
  for (size_t i = 0; i < meta.num_memory_planned_buffers(); ++i) {
    Result<size_t> size = meta.memory_planned_buffer_size(i);
    if (size.ok()) total += *size;
    std::printf("    %zu: %zu bytes\n", i, size.ok() ? *size : size_t{0});
  }
  std::printf("  planned bytes total: %zu\n", total);
  std::printf("  method allocator bytes: %zu\n", meta.method_allocator_bytes());
}

int print_info(Module& module, const Options& o, const BundledProgram* bundled) {
  std::vector<std::string> names = module.method_names();
  std::printf("program: %s\n", o.model.c_str());
  std::printf("methods: %zu\n", names.size());
  for (const std::string& name : names) {
    Result<MethodMeta> meta = module.method_meta(name);
    if (!meta.ok()) return runtime_error(o, name);
    print_method_info(*meta);
  }
  if (bundled != nullptr) {
    std::printf("bundled test suites: %zu\n", bundled->num_method_test_suites());
    for (size_t s = 0; s < bundled->num_method_test_suites(); ++s) {
      Result<std::string> name = bundled->method_name(s);
      Result<size_t> cases = bundled->num_test_cases(s);
      std::printf("  '%s': %zu test cases\n", name.ok() ? name->c_str() : "?", cases.ok() ? *cases : size_t{0});
    }
  }
  return kExitOk;
}

// --- inputs ---

Result<std::vector<uint8_t>> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EMBER_CHECK_OR_RETURN(in.good(), Error::AccessFailed, "cannot open '%s'", path.c_str());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EMBER_CHECK_OR_RETURN(!in.bad(), Error::AccessFailed, "cannot read '%s'", path.c_str());
  return bytes;
}

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A scalar input read from a one-element .npy or raw bytes.
Result<HostValue> scalar_from_file(Tag tag, const std::string& path, size_t index) {
  HostTensor t;
  if (has_suffix(path, ".npy")) {
    EMBER_ASSIGN_OR_RETURN(t, npy::read_file(path));
    EMBER_CHECK_OR_RETURN(t.numel() == 1, Error::InvalidArgument, "input %zu: '%s' must hold one element for a %s",
                          index, path.c_str(), tag_name(tag));
  } else {
    EMBER_ASSIGN_OR_RETURN(t.data, read_bytes(path));
    t.dtype = tag == Tag::Int ? ScalarType::Long : tag == Tag::Double ? ScalarType::Double : ScalarType::Bool;
    EMBER_CHECK_OR_RETURN(t.data.size() == element_size(t.dtype), Error::InvalidArgument,
                          "input %zu: '%s' has %zu bytes, a raw %s needs %zu", index, path.c_str(), t.data.size(),
                          tag_name(tag), element_size(t.dtype));
  }
  const uint8_t* p = t.data.data();
  if (tag == Tag::Int && is_integral_type(t.dtype, false)) {
    int64_t v = 0;
    switch (element_size(t.dtype)) {
      case 1: v = t.dtype == ScalarType::Byte ? int64_t{p[0]} : int64_t{static_cast<int8_t>(p[0])}; break;
      case 2: { int16_t x; std::memcpy(&x, p, 2); v = x; break; }
      case 4: { int32_t x; std::memcpy(&x, p, 4); v = x; break; }
      default: std::memcpy(&v, p, 8); break;
    }
    return HostValue::from_int(v);
  }
  if (tag == Tag::Double && (t.dtype == ScalarType::Double || t.dtype == ScalarType::Float)) {
    if (t.dtype == ScalarType::Float) {
      float f;
      std::memcpy(&f, p, 4);
      return HostValue::from_double(f);
    }
    double d;
    std::memcpy(&d, p, 8);
    return HostValue::from_double(d);
  }
  if (tag == Tag::Bool && t.dtype == ScalarType::Bool) return HostValue::from_bool(p[0] != 0);
  return fail(Error::InvalidArgument, "input %zu: '%s' holds %s, the method takes a %s", index, path.c_str(),
              scalar_type_name(t.dtype), tag_name(tag));
}

Result<HostValue> tensor_from_file(const TensorInfo& info, const std::string& path, size_t index) {
  std::vector<int32_t> declared(info.sizes.begin(), info.sizes.end());
  if (has_suffix(path, ".npy")) {
    EMBER_ASSIGN_OR_RETURN(HostTensor t, npy::read_file(path));
    EMBER_CHECK_OR_RETURN(t.dtype == info.dtype, Error::InvalidArgument, "input %zu: '%s' holds %s, the method takes %s",
                          index, path.c_str(), scalar_type_name(t.dtype), scalar_type_name(info.dtype));
    bool shape_ok = info.dynamism == TensorShapeDynamism::Static ? t.sizes == declared
                                                                  : t.sizes.size() == declared.size();
    EMBER_CHECK_OR_RETURN(shape_ok, Error::InvalidArgument, "input %zu: '%s' has shape %s, the method takes %s%s",
                          index, path.c_str(), shape_string(t.sizes).c_str(), shape_string(declared).c_str(),
                          info.dynamism == TensorShapeDynamism::Static ? "" : " (upper bound)");
    return HostValue::from_tensor(std::move(t));
  }
  HostTensor t;
  t.dtype = info.dtype;
  t.sizes = declared;
  bool contiguous = true;
  for (size_t d = 0; d < info.dim_order.size(); ++d) contiguous = contiguous && info.dim_order[d] == d;
  if (!contiguous) t.dim_order.assign(info.dim_order.begin(), info.dim_order.end());
  EMBER_ASSIGN_OR_RETURN(t.data, read_bytes(path));
  EMBER_CHECK_OR_RETURN(t.data.size() == info.nbytes, Error::InvalidArgument,
                        "input %zu: '%s' has %zu bytes, %s %s needs %zu", index, path.c_str(), t.data.size(),
                        scalar_type_name(info.dtype), shape_string(declared).c_str(), info.nbytes);
  return HostValue::from_tensor(std::move(t));
}

Result<std::vector<HostValue>> prepare_inputs(const Options& o, const MethodMeta& meta, const Method& method) {
  size_t n = meta.num_inputs();
  EMBER_CHECK_OR_RETURN(o.inputs.empty() || o.inputs.size() == n, Error::InvalidArgument,
                        "takes %zu inputs, %zu --input files given", n, o.inputs.size());
  if (o.inputs.empty() && n != 0) {
    std::fprintf(o.json ? stderr : stdout,
                 "inputs: none given; using ones for tensor inputs and the traced values for scalar inputs\n");
  }
  std::vector<HostValue> values;
  for (size_t i = 0; i < n; ++i) {
    EMBER_ASSIGN_OR_RETURN(Tag tag, meta.input_tag(i));
    if (tag == Tag::Tensor) {
      EMBER_ASSIGN_OR_RETURN(TensorInfo info, meta.input_tensor_info(i));
      if (o.inputs.empty()) {
        values.push_back(HostValue::from_tensor(ones(info.dtype, std::vector<int32_t>(info.sizes.begin(), info.sizes.end()))));
      } else {
        EMBER_ASSIGN_OR_RETURN(HostValue v, tensor_from_file(info, o.inputs[i], i));
        values.push_back(std::move(v));
      }
    } else if (!o.inputs.empty() && (tag == Tag::Int || tag == Tag::Double || tag == Tag::Bool)) {
      EMBER_ASSIGN_OR_RETURN(HostValue v, scalar_from_file(tag, o.inputs[i], i));
      values.push_back(std::move(v));
    } else {
      values.push_back(HostValue::copy_of(method.get_input(i)));
    }
  }
  return values;
}

// --- running ---

int write_outputs(const Options& o, const std::vector<HostValue>& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const HostValue& v = outputs[i];
    HostTensor t;
    switch (v.tag) {
      case Tag::Tensor: t = v.tensor; break;
      case Tag::Int: t = HostTensor::from<int64_t>({}, {v.int_value}); break;
      case Tag::Double: t = HostTensor::from<double>({}, {v.double_value}); break;
      case Tag::Bool: t = HostTensor::from<bool>({}, {v.bool_value}); break;
      default:
        std::fprintf(stderr, "note: output %zu (%s) has no .npy form; not written\n", i, tag_name(v.tag));
        continue;
    }
    std::string path = o.output_dir + "/output_" + std::to_string(i) + ".npy";
    if (npy::write_file(path, t) != Error::Ok) {
      std::fprintf(stderr, "error: %s\n", error_message());
      return kExitError;
    }
  }
  return kExitOk;
}

int run_method(Module& module, const Options& o, const std::string& name, RunReport* report,
               ProfileTable* profile) {
  Clock::time_point start = Clock::now();
  Result<Method*> loaded = module.load_method(name);
  if (!loaded.ok()) return runtime_error(o, name);
  Method& method = **loaded;
  report->init_ms = ms_since(start);
  report->rss_after_init = current_rss_bytes();
  MethodMeta meta = method.method_meta();

  Result<std::vector<HostValue>> inputs = prepare_inputs(o, meta, method);
  if (!inputs.ok()) return runtime_error(o, name);

  start = Clock::now();
  Result<std::vector<HostValue>> first = module.run(name, *inputs);
  if (!first.ok()) return runtime_error(o, name);
  report->first_ms = ms_since(start);
  report->rss_after_first_run = current_rss_bytes();

  // Planned inputs may share arena space with intermediates, so every run
  // binds its inputs again, as a real caller would.
  for (long i = 0; i < o.warmup; ++i) {
    if (module.set_inputs(method, *inputs) != Error::Ok || method.execute() != Error::Ok) return runtime_error(o, name);
  }
  report->runs_ms.reserve(static_cast<size_t>(o.iterations));
  for (long i = 0; i < o.iterations; ++i) {
    start = Clock::now();
    if (module.set_inputs(method, *inputs) != Error::Ok || method.execute() != Error::Ok) return runtime_error(o, name);
    report->runs_ms.push_back(ms_since(start));
  }
  if (profile != nullptr) {
    // Profiled runs come after the timed ones so the tracer's clock reads do
    // not touch the reported latency.
    profile->enable(true);
    for (long i = 0; i < std::max(o.iterations, 1L); ++i) {
      if (module.set_inputs(method, *inputs) != Error::Ok) return runtime_error(o, name);
      profile->begin_run();
      Error e = method.execute();
      profile->end_run();
      if (e != Error::Ok) return runtime_error(o, name);
    }
    profile->enable(false);
    report->profile = profile;
  }
  report->rss_end = current_rss_bytes();
  // ru_maxrss can trail the sampled RSS (the kernel syncs per-thread RSS
  // counters lazily), so the peak is the largest of all.
  report->peak_rss = std::max({peak_rss_bytes(), report->rss_after_init, report->rss_after_first_run, report->rss_end});
  std::vector<HostValue> outputs;
  if (o.warmup + o.iterations == 0) {
    outputs = std::move(*first);
  } else {
    for (size_t i = 0; i < method.outputs_size(); ++i) outputs.push_back(HostValue::copy_of(method.get_output(i)));
  }

  if (o.json) {
    print_json(*report, stdout);
    std::fflush(stdout);
    if (!o.output_dir.empty()) return write_outputs(o, outputs);
    return kExitOk;
  }
  std::printf("method '%s': %zu output(s)\n", name.c_str(), outputs.size());
  if (o.print != PrintMode::None) {
    for (size_t i = 0; i < outputs.size(); ++i) {
      std::printf("output %zu: %s\n", i, value_string(outputs[i], o.print).c_str());
    }
  }
  std::fflush(stdout);
  print_text(*report, stderr);
  if (!o.output_dir.empty()) return write_outputs(o, outputs);
  return kExitOk;
}

int run_bundled(Module& module, const Options& o, const BundledProgram& bundled) {
  size_t total = 0;
  size_t passed = 0;
  for (size_t s = 0; s < bundled.num_method_test_suites(); ++s) {
    Result<std::string> name = bundled.method_name(s);
    if (!name.ok()) return runtime_error(o, "");
    if (!o.method.empty() && *name != o.method) continue;
    Result<size_t> cases = bundled.num_test_cases(s);
    if (!cases.ok()) return runtime_error(o, *name);
    for (size_t c = 0; c < *cases; ++c) {
      Result<std::vector<HostValue>> inputs = bundled.inputs(s, c);
      if (!inputs.ok()) return runtime_error(o, *name);
      Result<std::vector<HostValue>> expected = bundled.expected_outputs(s, c);
      if (!expected.ok()) return runtime_error(o, *name);
      Result<std::vector<HostValue>> outputs = module.run(*name, *inputs);
      if (!outputs.ok()) return runtime_error(o, *name);

      CompareResult worst;
      worst.pass = outputs->size() == expected->size();
      std::string why = worst.pass ? "" : std::to_string(outputs->size()) + " outputs, expected " +
                                              std::to_string(expected->size());
      for (size_t i = 0; worst.pass && i < expected->size(); ++i) {
        CompareResult r = compare((*outputs)[i], (*expected)[i], o.rtol, o.atol);
        worst.max_abs_error = std::max(worst.max_abs_error, r.max_abs_error);
        worst.max_rel_error = std::max(worst.max_rel_error, r.max_rel_error);
        if (!r.pass) {
          worst.pass = false;
          why = "output " + std::to_string(i) + ": " + r.message;
        }
      }
      ++total;
      if (worst.pass) ++passed;
      std::printf("%s '%s' case %zu: max abs error %g, max rel error %g%s%s\n", worst.pass ? "PASS" : "FAIL",
                  name->c_str(), c, worst.max_abs_error, worst.max_rel_error, why.empty() ? "" : "; ", why.c_str());
    }
  }
  std::printf("bundled: %zu of %zu test case(s) passed (rtol %g, atol %g)\n", passed, total, o.rtol, o.atol);
  if (total == 0) {
    std::fprintf(stderr, "error: %s: no bundled test cases%s\n", o.model.c_str(),
                 o.method.empty() ? "" : (" for method '" + o.method + "'").c_str());
    return kExitError;
  }
  return passed == total ? kExitOk : kExitError;
}

// The whole file in 64-byte aligned memory (bundled programs are read from
// memory; the inner program must stay put while the Module uses it).
struct FileBytes {
  std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, &std::free};
  size_t size = 0;
};

Result<FileBytes> read_aligned(const std::string& path) {
  EMBER_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_bytes(path));
  FileBytes out;
  size_t rounded = (bytes.size() + 63) / 64 * 64 + 64;
  out.data.reset(static_cast<uint8_t*>(std::aligned_alloc(64, rounded)));
  EMBER_CHECK_OR_RETURN(out.data != nullptr, Error::MemoryAllocationFailed, "out of memory reading '%s'", path.c_str());
  if (!bytes.empty()) std::memcpy(out.data.get(), bytes.data(), bytes.size());
  out.size = bytes.size();
  return out;
}

bool file_is_bundled(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof(head));
  return in.gcount() == sizeof(head) && is_bundled_program(head, sizeof(head));
}

// Loads a .pte through the Module's loader, or a .bpte into `bytes` and its
// inner program from there.
Result<std::unique_ptr<Module>> load_model(const Options& o, const ModuleOptions& options, FileBytes* bytes,
                                           std::unique_ptr<BundledProgram>* bundled) {
  if (!file_is_bundled(o.model)) return Module::load(o.model, options);
  EMBER_ASSIGN_OR_RETURN(*bytes, read_aligned(o.model));
  EMBER_ASSIGN_OR_RETURN(BundledProgram parsed, BundledProgram::from(bytes->data.get(), bytes->size));
  bundled->reset(new BundledProgram(parsed));
  Span<const uint8_t> program = (*bundled)->program();
  return Module::load_from_buffer(program.data(), program.size(), options);
}

int run(const Options& o) {
  if (o.list_kernels) return list_kernels();
  if (!o.inputs.empty() && file_is_bundled(o.model)) {
    return usage_error("--input cannot be used with a bundled program");
  }
  RunReport report;
  report.model = o.model;
  report.threads = o.threads;
  report.warmup = o.warmup;
  report.rss_before_load = current_rss_bytes();
  // Rows are distinct (kind, operator) pairs; runs are the profiled runs.
  std::unique_ptr<ProfileTable> profile;
  if (o.profile) profile.reset(new ProfileTable(512, static_cast<size_t>(std::max(o.iterations, 1L))));
  ModuleOptions options;
  options.num_threads = static_cast<size_t>(o.threads);
  options.event_tracer = profile.get();

  Clock::time_point start = Clock::now();
  FileBytes bytes;
  std::unique_ptr<BundledProgram> bundled;
  Result<std::unique_ptr<Module>> module = load_model(o, options, &bytes, &bundled);
  if (!module.ok()) return runtime_error(o, "");
  report.load_ms = ms_since(start);

  if (o.info) return print_info(**module, o, bundled.get());
  if (bundled != nullptr) return run_bundled(**module, o, *bundled);

  std::string method = o.method;
  if (method.empty()) {
    std::vector<std::string> names = (*module)->method_names();
    if (names.empty()) {
      std::fprintf(stderr, "error: %s: the program has no methods\n", o.model.c_str());
      return kExitError;
    }
    method = std::find(names.begin(), names.end(), "forward") != names.end() ? "forward" : names.front();
  }
  report.method = method;
  return run_method(**module, o, method, &report, profile.get());
}

}  // namespace
}  // namespace ember::runner

int main(int argc, char** argv) {
  ember::runner::Options options;
  int status = ember::runner::parse_args(argc, argv, &options);
  if (status >= 0) return status;
  return ember::runner::run(options);
}
