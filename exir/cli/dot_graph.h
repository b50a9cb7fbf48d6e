// `exir inspect MODEL.pte --dot FILE`: the program's instruction graph in
// Graphviz dot. One box per instruction (kernel calls by operator name,
// delegate calls filled with one colour per delegate and labelled with the
// backend and its XNNPACK node count), edges along the values instructions
// produce and consume, method inputs and outputs as ellipses.
// The bytes must have passed ember::Program::load (they are read unchecked).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace exir {

std::string program_to_dot(const std::vector<uint8_t>& verified_pte);

// Per delegate of method `method`: its XNNPACK node count (-1 for other
// backends or an unreadable blob).
std::vector<long> delegate_node_counts(const std::vector<uint8_t>& verified_pte, size_t method);

// Bytes of constant data: the constant segment plus inline constant buffers.
uint64_t constant_bytes(const std::vector<uint8_t>& verified_pte);

}  // namespace exir
