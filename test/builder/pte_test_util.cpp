#include "test/builder/pte_test_util.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ember::test {

uint64_t read_le(const uint8_t* p, int nbytes) {
  uint64_t value = 0;
  for (int i = 0; i < nbytes; ++i) value |= uint64_t{p[i]} << (8 * i);
  return value;
}

PteHeader read_header(const std::vector<uint8_t>& file) {
  PteHeader h;
  if (file.size() < 32 || std::memcmp(file.data() + 8, "eh00", 4) != 0) return h;
  h.present = true;
  h.length = static_cast<uint32_t>(read_le(file.data() + 12, 4));
  h.program_size = read_le(file.data() + 16, 8);
  h.segment_base_offset = read_le(file.data() + 24, 8);
  if (h.length >= 32 && file.size() >= 40) h.segment_data_size = read_le(file.data() + 32, 8);
  return h;
}

const executorch_flatbuffer::Program* verified_program(const std::vector<uint8_t>& file) {
  const PteHeader h = read_header(file);
  const size_t size = h.present ? h.program_size : file.size();
  if (size > file.size()) return nullptr;
  flatbuffers::Verifier verifier(file.data(), size);
  if (!executorch_flatbuffer::VerifyProgramBuffer(verifier)) return nullptr;
  return executorch_flatbuffer::GetProgram(file.data());
}

std::vector<uint8_t> segment_bytes(const std::vector<uint8_t>& file, size_t index) {
  const auto* program = verified_program(file);
  const PteHeader h = read_header(file);
  if (program == nullptr || program->segments() == nullptr || index >= program->segments()->size()) return {};
  const auto* segment = program->segments()->Get(index);
  const uint64_t begin = h.segment_base_offset + segment->offset();
  if (begin + segment->size() > file.size()) return {};
  return std::vector<uint8_t>(file.begin() + begin, file.begin() + begin + segment->size());
}

std::vector<uint8_t> read_binary_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string flatc_json(const std::vector<uint8_t>& file) {
  char dir_template[] = "/tmp/ember_builder_test_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return "";
  const std::string bin = std::string(dir) + "/program.pte";
  {
    std::ofstream out(bin, std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  }
  const std::string command = std::string(EMBER_FLATC) + " --json --strict-json --raw-binary -o " + dir + " " +
                              EMBER_PROGRAM_SCHEMA + " -- " + bin + " > /dev/null 2>&1";
  std::string json;
  if (std::system(command.c_str()) == 0) {
    std::ifstream in(std::string(dir) + "/program.json");
    std::stringstream ss;
    ss << in.rdbuf();
    json = ss.str();
  }
  std::remove((std::string(dir) + "/program.json").c_str());
  std::remove(bin.c_str());
  std::remove(dir);
  return json;
}

}  // namespace ember::test
