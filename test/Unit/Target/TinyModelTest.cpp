//===- TinyModelTest.cpp - The tiny model through the library ABI ---------===//
//
// Compiles test/Target/Inputs/tiny-model.mlir to a shared library, fills the
// weight table from the library's own manifest with random tensors, and
// drives attn_prefill / attn_logits exactly as the runtime does: one long
// prefill, prefill followed by decodes, and prefill in chunks must all give
// the logits of the double-precision reference.
//
//===----------------------------------------------------------------------===//

#include "CompiledLibrary.h"
#include "TinyModelReference.h"

#include "attn/abi.h"

#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

using namespace attn_test;

namespace {

class TinyModel : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto file =
        llvm::MemoryBuffer::getFile(ATTN_TARGET_INPUTS_DIR "/tiny-model.mlir");
    ASSERT_TRUE(file) << "cannot read tiny-model.mlir";
    std::string error;
    double seconds = 0;
    library = CompiledLibrary::compile((*file)->getBuffer().str(), {}, error,
                                       &seconds)
                  .release();
    ASSERT_TRUE(library) << error;
    std::printf("[ info ] tiny model compiled to a shared library in %.3f s\n",
                seconds);
  }
  static void TearDownTestSuite() { delete library; }

  void SetUp() override {
    ASSERT_TRUE(library);
    prefill = reinterpret_cast<attn_entry_fn>(library->symbol("attn_prefill"));
    logits = reinterpret_cast<attn_entry_fn>(library->symbol("attn_logits"));
    ASSERT_TRUE(prefill && logits);
    auto manifestFn =
        reinterpret_cast<attn_manifest_fn>(library->symbol("attn_manifest"));
    ASSERT_TRUE(manifestFn);
    manifest = nlohmann::json::parse(manifestFn(), nullptr, false);
    ASSERT_FALSE(manifest.is_discarded()) << manifestFn();
    fillWeights();
    kCache.assign(config.layers * capacity * config.kvHeads * config.headDim,
                  0.0f);
    vCache = kCache;
  }

  /// One random tensor per weight-table slot, in manifest order. A fused
  /// slot (docs/abi.md, "Fused weights") gets a random tensor per part,
  /// under the part's own name, and their concatenation along rows, as the
  /// runtime builds it, then in the layout the manifest asks for.
  void fillWeights() {
    std::mt19937 rng(42);
    ASSERT_TRUE(manifest.contains("weights") && manifest["weights"].is_array());
    auto elementCount = [](const nlohmann::json &shape) {
      size_t count = 1;
      for (const auto &dim : shape)
        count *= dim.get<size_t>();
      return count;
    };
    for (const auto &entry : manifest["weights"]) {
      std::string name = entry["name"].get<std::string>();
      bool perLayer = entry["per_layer"].get<bool>();
      for (int64_t l = 0; l < (perLayer ? config.layers : 1); ++l) {
        auto concrete = [&](std::string text) {
          if (perLayer)
            text.replace(text.find("{layer}"), 7, std::to_string(l));
          return text;
        };
        // What the library reads, apart from the checkpoint tensors the
        // reference reads.
        std::vector<float> &slot = slotData[concrete(name)];
        if (!entry.contains("parts")) {
          slot = randomWeight(rng, name, elementCount(entry["shape"]));
          tensors[concrete(name)] = slot;
        } else {
          for (const auto &part : entry["parts"]) {
            std::string partName = part["name"].get<std::string>();
            std::vector<float> &values = tensors[concrete(partName)];
            values = randomWeight(rng, partName, elementCount(part["shape"]));
            slot.insert(slot.end(), values.begin(), values.end());
          }
        }
        if (entry.contains("layout"))
          slot = toPanels(slot, entry["shape"], entry["layout"]);
        slots.push_back(slot.data());
      }
    }
  }

  /// The "panel" layout of docs/abi.md: P[n / w, k, n % w] = W[n, k].
  static std::vector<float> toPanels(const std::vector<float> &weight,
                                     const nlohmann::json &shape,
                                     const nlohmann::json &layout) {
    EXPECT_EQ(layout["kind"], "panel");
    size_t rows = shape[0].get<size_t>(), cols = shape[1].get<size_t>(),
           width = layout["width"].get<size_t>();
    std::vector<float> panels(weight.size());
    for (size_t n = 0; n < rows; ++n)
      for (size_t k = 0; k < cols; ++k)
        panels[(n / width * cols + k) * width + n % width] =
            weight[n * cols + k];
    return panels;
  }

  /// Norm weights near 1, projections small, as in trained models.
  static std::vector<float>
  randomWeight(std::mt19937 &rng, const std::string &name, size_t count) {
    return name.find("norm") != std::string::npos
               ? randomValues(rng, count, 0.5, 1.5)
               : randomValues(rng, count, -0.5, 0.5);
  }

  /// Runs `tokens` at `position` and returns their logits [n, vocab].
  std::vector<float> run(const std::vector<int32_t> &tokens, int64_t position) {
    int64_t n = tokens.size();
    std::vector<float> hidden(n * config.hidden), out(n * config.vocab);
    attn_call call{slots.data(), tokens.data(), n,
                   position,     kCache.data(), vCache.data(),
                   capacity,     nullptr,       hidden.data()};
    EXPECT_EQ(prefill(&call), 0);
    call.input = hidden.data();
    call.output = out.data();
    EXPECT_EQ(logits(&call), 0);
    return out;
  }

  std::vector<double> reference(const std::vector<int32_t> &tokens) {
    return referenceLogits(
        config,
        [&](const std::string &name) -> const std::vector<float> & {
          EXPECT_TRUE(tensors.count(name)) << name << " not in the manifest";
          return tensors[name];
        },
        tokens);
  }

  std::vector<double> rows(const std::vector<double> &all, int64_t first,
                           int64_t count) {
    return std::vector<double>(all.begin() + first * config.vocab,
                               all.begin() + (first + count) * config.vocab);
  }

  static CompiledLibrary *library;
  TinyConfig config;
  int64_t capacity = 16;
  nlohmann::json manifest;
  /// Checkpoint tensors by name, as the reference reads them.
  std::map<std::string, std::vector<float>> tensors;
  /// The weight table's buffers: fused and repacked as the manifest says.
  std::map<std::string, std::vector<float>> slotData;
  std::vector<const void *> slots;
  std::vector<float> kCache, vCache;
  attn_entry_fn prefill = nullptr, logits = nullptr;
  const std::vector<int32_t> tokens = {1, 17, 5, 31, 0, 9, 9, 22, 3};
};

CompiledLibrary *TinyModel::library = nullptr;

TEST_F(TinyModel, ExportsVersionAndManifest) {
  auto version = reinterpret_cast<attn_abi_version_fn>(
      library->symbol("attn_abi_version"));
  ASSERT_TRUE(version);
  EXPECT_EQ(version(), ATTN_ABI_VERSION);
  EXPECT_EQ(manifest["abi_version"], int(ATTN_ABI_VERSION));
  // 2 global weights, 9 per-layer ones over 2 layers, and the LM head;
  // --attn-fuse-projections makes one slot of Q, K and V and one of gate
  // and up in each layer.
  EXPECT_EQ(slots.size(), 2u + (9u - 3u) * 2u + 1u);
  // Internal functions are not exported.
  EXPECT_EQ(library->symbol("prefill"), nullptr);
  EXPECT_EQ(library->symbol("decoder_layer"), nullptr);
}

TEST_F(TinyModel, PrefillMatchesReference) {
  expectClose(run(tokens, 0), reference(tokens));
}

TEST_F(TinyModel, PrefillThenDecodeMatchesLongPrefill) {
  std::vector<double> expected = reference(tokens);
  int64_t first = 5;
  expectClose(run({tokens.begin(), tokens.begin() + first}, 0),
              rows(expected, 0, first));
  for (int64_t pos = first; pos < int64_t(tokens.size()); ++pos) {
    SCOPED_TRACE("decode at position " + std::to_string(pos));
    expectClose(run({tokens[pos]}, pos), rows(expected, pos, 1));
  }
}

TEST_F(TinyModel, ChunkedPrefillMatchesPrefillAtOnce) {
  std::vector<double> expected = reference(tokens);
  int64_t position = 0;
  for (int64_t chunk : {4, 3, 2}) {
    SCOPED_TRACE("chunk at position " + std::to_string(position));
    expectClose(
        run({tokens.begin() + position, tokens.begin() + position + chunk},
            position),
        rows(expected, position, chunk));
    position += chunk;
  }
}

TEST_F(TinyModel, CacheOutsideTheWrittenRangeIsUntouched) {
  // Poison the cache beyond the tokens: a correct library neither reads
  // (the logits stay right) nor writes it.
  std::fill(kCache.begin(), kCache.end(), 1e30f);
  std::fill(vCache.begin(), vCache.end(), 1e30f);
  int64_t n = 6;
  expectClose(run({tokens.begin(), tokens.begin() + n}, 0),
              rows(reference(tokens), 0, n));
  int64_t perLayer = capacity * config.kvHeads * config.headDim;
  int64_t written = n * config.kvHeads * config.headDim;
  for (int64_t l = 0; l < config.layers; ++l)
    for (int64_t i = written; i < perLayer; ++i)
      ASSERT_EQ(kCache[l * perLayer + i], 1e30f) << "layer " << l << " " << i;
}

} // namespace
