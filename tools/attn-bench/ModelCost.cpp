//===- ModelCost.cpp - FLOPs and weight bytes from a manifest -------------===//
//
// Elementwise work (norms, RoPE, SiLU, softmax, residual adds) is left out
// of the FLOP count, as in the usual 2 x params estimate: it is a few FLOPs
// per activation against thousands per weight row.
//
//===----------------------------------------------------------------------===//

#include "ModelCost.h"

#include "attn/Runtime/Manifest.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

namespace attn::bench {

namespace {

const char kEmbedding[] = "model.embed_tokens.weight";
const char kHead[] = "lm_head.weight";

int64_t elements(const rt::WeightSlot &slot) {
  int64_t count = 1;
  for (int64_t dim : slot.shape)
    count *= dim;
  return count;
}

/// config.num_attention_heads when the manifest's config echo has it.
int64_t configHeads(const std::string &manifest) {
  nlohmann::json json = nlohmann::json::parse(manifest, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("config"))
    return 0;
  const nlohmann::json &config = json["config"];
  if (!config.is_object() || !config.contains("num_attention_heads") ||
      !config["num_attention_heads"].is_number_integer())
    return 0;
  return config["num_attention_heads"].get<int64_t>();
}

} // namespace

double ModelCost::prefillFlops(int64_t tokens, int64_t depth) const {
  double n = double(tokens), d = double(depth);
  // Token i attends to depth + i + 1 positions: QK^T and PV are 2 x
  // head_dim FLOPs each per head and position.
  double attention = 2.0 * double(layers) * double(heads) * double(headDim) *
                     (n * (n + 1) + 2 * n * d);
  return 2.0 * double(matmulParams) * n + 2.0 * double(headParams) + attention;
}

double ModelCost::decodeCacheBytes(int64_t tokens, int64_t depth) const {
  // Step i of 1..tokens reads depth + i cached positions.
  return double(kvBytesPerPosition) * (double(depth) + double(tokens + 1) / 2);
}

bool computeModelCost(const std::string &manifestText,
                      const std::string &origin, ModelCost &cost,
                      std::string &error) {
  rt::Manifest manifest;
  rt::Status status = rt::parseManifest(manifestText, origin, manifest);
  if (!status.ok()) {
    error = status.message();
    return false;
  }
  cost = ModelCost();
  cost.modelType = manifest.modelType;
  cost.layers = manifest.numLayers;
  cost.hidden = manifest.hiddenSize;
  cost.headDim = manifest.headDim;
  cost.kvBytesPerPosition = 2 * manifest.numLayers * manifest.numKVHeads *
                            manifest.headDim *
                            int64_t(rt::dtypeSize(manifest.kvDType));
  cost.heads = configHeads(manifestText);
  cost.headsFromConfig = cost.heads > 0;
  if (!cost.headsFromConfig)
    cost.heads = std::max<int64_t>(1, manifest.hiddenSize / manifest.headDim);

  std::map<rt::DType, int64_t> bytesByDType;
  const std::vector<rt::WeightSlot> slots = manifest.slots();
  const rt::WeightSlot *embedding = nullptr;
  bool hasHead = false;
  for (const rt::WeightSlot &slot : slots) {
    int64_t count = elements(slot);
    int64_t bytes = count * int64_t(rt::dtypeSize(slot.dtype));
    cost.params += count;
    cost.weightBytes += bytes;
    bytesByDType[slot.dtype] += bytes;
    if (slot.name == kEmbedding) {
      embedding = &slot;
      continue;
    }
    cost.decodeBytesPerToken += bytes;
    if (slot.name == kHead) {
      hasHead = true;
      cost.headParams = count;
    } else if (slot.shape.size() == 2) {
      cost.matmulParams += count;
    }
  }
  // A tied LM head has no slot of its own (docs/abi.md): decode then reads
  // the whole embedding, else one row of it.
  if (embedding) {
    int64_t count = elements(*embedding);
    int64_t size = int64_t(rt::dtypeSize(embedding->dtype));
    cost.tiedHead = !hasHead;
    if (cost.tiedHead)
      cost.headParams = count;
    cost.decodeBytesPerToken +=
        cost.tiedHead ? count * size : manifest.hiddenSize * size;
  }

  int64_t most = -1;
  for (const auto &[dtype, bytes] : bytesByDType)
    if (bytes > most) {
      most = bytes;
      cost.dtype = dtype;
    }
  return true;
}

} // namespace attn::bench
