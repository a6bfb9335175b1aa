//===- RandomWeights.cpp - Random weights for any manifest ----------------===//

#include "attn/Runtime/RandomWeights.h"

#include "attn/Runtime/Random.h"
#include "attn/Runtime/SafeTensorsWriter.h"

namespace attn::rt {

static constexpr double kInitializerRange = 0.02;

static bool isNormWeight(const WeightSlot &slot) {
  return slot.shape.size() == 1 && slot.name.find("norm") != std::string::npos;
}

std::vector<float> randomTensor(const WeightSlot &slot, uint64_t seed) {
  std::vector<float> values(elementCount(slot.shape));
  if (isNormWeight(slot)) {
    std::fill(values.begin(), values.end(), 1.0f);
    return values;
  }
  Random random(seed ^ hashName(slot.name));
  for (float &value : values)
    value = float(random.normal() * kInitializerRange);
  return values;
}

Status writeRandomWeights(const Manifest &manifest, const std::string &path,
                          DType dtype, uint64_t seed) {
  // A checkpoint holds the parts of a fused weight, not the fused tensor.
  std::vector<WeightSlot> slots;
  for (WeightSlot &slot : manifest.slots()) {
    if (slot.parts.empty()) {
      slots.push_back(std::move(slot));
      continue;
    }
    for (WeightPart &part : slot.parts)
      slots.push_back(
          {std::move(part.name), std::move(part.shape), slot.dtype, 0, {}});
  }
  std::vector<TensorSpec> specs;
  for (const WeightSlot &slot : slots)
    specs.push_back({slot.name, dtype, slot.shape});
  SafeTensorsWriter writer;
  ATTN_RETURN_IF_ERROR(SafeTensorsWriter::create(
      path, specs,
      {{"format", "pt"},
       {"attn.init", "normal(0, 0.02), seed " + std::to_string(seed)}},
      writer));
  for (const WeightSlot &slot : slots) {
    std::vector<float> values = randomTensor(slot, seed);
    ATTN_RETURN_IF_ERROR(writer.write(values.data(), values.size()));
  }
  return writer.finish();
}

} // namespace attn::rt
