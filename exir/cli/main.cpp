// exir: the offline converter CLI.
//   exir convert MODEL.onnx -o MODEL.pte [--backend portable|xnnpack] [--input-shape NAME=DIMS]...
//                [--freeze NAME=VALUE.npy]... [--dump-ir] [--explain] [--bundle INPUT.npy...]
//   exir inspect MODEL.pte [--dot FILE]
// Prints one clear error and exits 1 on any failure (2 on bad usage).
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "exir/cli/bundle.h"
#include "exir/cli/convert.h"
#include "exir/cli/dot_graph.h"
#include "exir/cli/inspect.h"
#include "exir/import/npy/npy_file.h"
#include "exir/ir/error.h"

namespace {

constexpr off_t kProgressModelBytes = 8 << 20;

long peak_rss_mb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

int usage() {
  std::fprintf(stderr,
               "usage: exir convert MODEL.onnx -o MODEL.pte [--backend xnnpack|portable] [--input-shape NAME=DIMS]...\n"
               "                    [--freeze NAME=VALUE.npy]... [--dump-ir] [--explain] [--bundle INPUT.npy...]\n"
               "       exir inspect MODEL.pte [--dot FILE]\n");
  return 2;
}

int convert(int argc, char** argv) {
  std::string model, output;
  exir::ConvertOptions options;
  options.backend = "xnnpack";  // the spec's default
  bool dump = false, explain = false;
  std::vector<std::string> bundle_inputs;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) exir::fail("%s needs a value", a.c_str());
      return argv[++i];
    };
    if (a == "-o") output = value();
    else if (a == "--backend") options.backend = value();
    else if (a == "--input-shape") {
      const exir::InputShape shape = exir::parse_input_shape(value());
      options.import.input_shapes[shape.name] = shape.upper;
      options.import.input_lower_bounds[shape.name] = shape.lower;
    }
    else if (a == "--freeze") {
      const std::string spec = value();
      const size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
        exir::fail("--freeze expects NAME=VALUE.npy, got '%s'", spec.c_str());
      }
      const std::string name = spec.substr(0, eq);
      options.import.frozen_inputs[name] = exir::read_npy(spec.substr(eq + 1), name);
    }
    else if (a == "--bundle") {
      // Every following argument up to the next option is one input.
      while (i + 1 < argc && argv[i + 1][0] != '-') bundle_inputs.push_back(argv[++i]);
      if (bundle_inputs.empty()) exir::fail("--bundle needs one INPUT.npy per graph input");
    }
    else if (a == "--dump-ir") dump = true;
    else if (a == "--explain") explain = true;
    else if (!a.empty() && a[0] == '-') exir::fail("unknown option '%s'", a.c_str());
    else if (model.empty()) model = a;
    else exir::fail("unexpected argument '%s'", a.c_str());
  }
  if (model.empty() || output.empty()) return usage();
  if (options.backend != "portable" && options.backend != "xnnpack") {
    exir::fail("--backend must be xnnpack or portable, not '%s'", options.backend.c_str());
  }
  if (dump) {
    options.dump = [](const std::string& pass, const std::string& ir) {
      std::fprintf(stderr, "=== IR after %s ===\n%s", pass.c_str(), ir.c_str());
    };
  }
  // Long conversions (large models) report each stage's end on stderr.
  const auto start = std::chrono::steady_clock::now();
  struct stat st;
  if (stat(model.c_str(), &st) == 0 && st.st_size >= kProgressModelBytes) {
    options.progress = [start](const std::string& stage) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "exir: %-20s done at %6.2f s, peak RSS %ld MB\n", stage.c_str(), s, peak_rss_mb());
    };
  }
  // Streamed into OUTPUT.tmp, renamed when complete: no partial file on
  // failure. --bundle needs the bytes in memory, so it does not stream.
  const std::string temp = output + ".tmp";
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out) exir::fail("cannot write '%s'", temp.c_str());
  if (bundle_inputs.empty()) options.output = &out;
  exir::ConvertResult r;
  try {
    r = exir::convert_onnx(model, options);
  } catch (...) {
    out.close();
    std::remove(temp.c_str());
    throw;
  }
  if (!options.output) out.write(reinterpret_cast<const char*>(r.pte.data()), static_cast<std::streamsize>(r.pte.size()));
  const long long written = static_cast<long long>(out.tellp());
  out.close();
  if (!out || std::rename(temp.c_str(), output.c_str()) != 0) {
    std::remove(temp.c_str());
    exir::fail("cannot write '%s'", output.c_str());
  }
  if (!bundle_inputs.empty()) {
    const std::vector<uint8_t> bpte = exir::bundle_with_reference(model, options, r.pte, bundle_inputs);
    const size_t dot = output.rfind('.');
    const std::string path =
        (dot == std::string::npos || output.find('/', dot) != std::string::npos ? output : output.substr(0, dot)) +
        ".bpte";
    std::ofstream bundle(path, std::ios::binary | std::ios::trunc);
    bundle.write(reinterpret_cast<const char*>(bpte.data()), static_cast<std::streamsize>(bpte.size()));
    bundle.close();
    if (!bundle) exir::fail("cannot write '%s'", path.c_str());
    std::fprintf(stderr, "exir: wrote %s (%zu bytes, 1 test case, expected outputs from --backend portable)\n",
                 path.c_str(), bpte.size());
  }
  if (explain) {
    for (const std::string& line : r.not_delegated) std::fprintf(stderr, "not delegated: %s\n", line.c_str());
  }
  if (options.backend == "xnnpack") {
    std::fprintf(stderr, "exir: %zu XNNPACK partition(s)", r.num_delegates);
    for (size_t n : r.delegated_units) std::fprintf(stderr, " [%zu units]", n);
    std::fprintf(stderr, ", %zu nodes not delegated\n", r.not_delegated.size());
  }
  std::fprintf(stderr, "exir: wrote %s (%lld bytes, %zu kernel calls, arena %llu bytes, naive sum %llu bytes)\n",
               output.c_str(), written, r.num_kernel_calls, (unsigned long long)r.arena_bytes,
               (unsigned long long)r.naive_bytes);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Weights move through several buffers of a few MB each; with glibc's
  // adaptive threshold those come from the heap after the first free and are
  // not returned, doubling the converter's peak RSS on large models. A fixed
  // threshold keeps large blocks mmapped and returned as soon as freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  if (argc < 2) return usage();
  const std::string command = argv[1];
  try {
    if (command == "convert") return convert(argc - 2, argv + 2);
    if (command == "inspect" && (argc == 3 || (argc == 5 && std::string(argv[3]) == "--dot"))) {
      std::fputs(exir::inspect_pte(argv[2]).c_str(), stdout);
      if (argc == 5) {
        std::ifstream in(argv[2], std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream dot(argv[4], std::ios::trunc);
        dot << exir::program_to_dot(bytes);
        dot.close();
        if (!dot) exir::fail("cannot write '%s'", argv[4]);
      }
      return 0;
    }
    return usage();
  } catch (const exir::Error& e) {
    std::fprintf(stderr, "exir: error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exir: error: %s\n", e.what());
  }
  return 1;
}
