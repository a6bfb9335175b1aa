//===- ConfigFuzzTest.cpp - Mutated configs never crash the frontend ------===//
//
// Feeds thousands of mutated configs (byte flips, truncations, deleted keys,
// values of the wrong type or size, added keys) through the parser. Each must
// give a clean error naming the file, or a config whose graph verifies and
// whose manifest builds. A crash or abort fails the whole binary.
//
//===----------------------------------------------------------------------===//

#include "SharedConfigs.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>

using namespace mlir;
using namespace mlir::attn;
using Json = nlohmann::json;

namespace {

/// Keys worth aiming at: the ones the parser reads, the ones it rejects, and
/// nested rope fields.
const char *const kKeys[] = {"model_type",
                             "architectures",
                             "hidden_size",
                             "intermediate_size",
                             "num_hidden_layers",
                             "num_attention_heads",
                             "num_key_value_heads",
                             "head_dim",
                             "vocab_size",
                             "max_position_embeddings",
                             "rms_norm_eps",
                             "rope_theta",
                             "rope_scaling",
                             "rope_parameters",
                             "tie_word_embeddings",
                             "attention_bias",
                             "mlp_bias",
                             "hidden_act",
                             "sliding_window",
                             "use_sliding_window",
                             "max_window_layers",
                             "layer_types",
                             "partial_rotary_factor",
                             "quantization_config",
                             "num_local_experts",
                             "torch_dtype",
                             "use_cache",
                             "some_unknown_key"};

class Mutator {
public:
  explicit Mutator(uint32_t seed) : rng(seed) {}

  size_t below(size_t n) {
    return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng) : 0;
  }

  Json randomValue(int depth = 0) {
    switch (below(depth > 2 ? 24 : 28)) {
    case 0:
      return nullptr;
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return 0;
    case 4:
      return -1;
    case 5:
      return 1;
    case 6:
      return 3;
    case 7:
      return 64;
    case 8:
      return 4096;
    case 9:
      return std::numeric_limits<int64_t>::max();
    case 10:
      return std::numeric_limits<int64_t>::min();
    case 11:
      return std::numeric_limits<uint64_t>::max();
    case 12:
      return 1e308;
    case 13:
      return -0.0;
    case 14:
      return 0.5;
    case 15:
      return 1e-300;
    case 16:
      return "";
    case 17:
      return "silu";
    case 18:
      return "llama3";
    case 19:
      return std::string(below(5000), 'x');
    case 20:
      return std::string("\xff\xfe\x80", 3);
    case 21:
      return static_cast<int64_t>(below(1 << 20)) - (1 << 10);
    case 22:
      return 2.0;
    case 23:
      return "full_attention";
    case 24:
      return Json::array({randomValue(depth + 1), randomValue(depth + 1)});
    case 25: {
      Json object = Json::object();
      for (size_t i = 0, e = below(4); i < e; ++i)
        object[kKeys[below(std::size(kKeys))]] = randomValue(depth + 1);
      return object;
    }
    case 26: {
      Json rope = {{"rope_type", randomValue(depth + 1)},
                   {"factor", randomValue(depth + 1)},
                   {"low_freq_factor", 1.0},
                   {"high_freq_factor", 4.0},
                   {"original_max_position_embeddings", 8192}};
      if (below(2))
        rope.erase(std::string(kRopeFields[below(std::size(kRopeFields))]));
      return rope;
    }
    default: {
      Json nested = Json::array();
      for (size_t i = 0, e = below(2000); i < e; ++i)
        nested = Json::array({std::move(nested)});
      return nested;
    }
    }
  }

  /// One mutation of a document that is an object.
  void mutateDocument(Json &doc) {
    Json *target = &doc;
    if (doc.contains("rope_scaling") && doc["rope_scaling"].is_object() &&
        below(4) == 0)
      target = &doc["rope_scaling"];
    std::vector<std::string> keys;
    for (auto it = target->begin(); it != target->end(); ++it)
      keys.push_back(it.key());
    std::string key = keys.empty() || below(4) == 0
                          ? std::string(kKeys[below(std::size(kKeys))])
                          : keys[below(keys.size())];
    switch (below(4)) {
    case 0:
      target->erase(key);
      return;
    case 1:
      (*target)[key] = randomValue();
      return;
    case 2: {
      // Swap the type while keeping the value recognisable.
      Json &value = (*target)[key];
      if (value.is_number())
        value = value.dump();
      else if (value.is_string())
        value = value.get<std::string>().size();
      else if (value.is_boolean())
        value = value.get<bool>() ? 1 : 0;
      else if (value.is_object())
        value = Json::array({value});
      else
        value = Json::object();
      return;
    }
    default:
      if ((*target)[key].is_number_integer())
        (*target)[key] =
            (*target)[key].get<int64_t>() + static_cast<int64_t>(below(7)) - 3;
      else
        (*target)[key] = randomValue();
      return;
    }
  }

  std::string mutateText(std::string text) {
    switch (below(3)) {
    case 0: // byte flips
      for (size_t i = 0, e = 1 + below(4); i < e && !text.empty(); ++i)
        text[below(text.size())] = static_cast<char>(below(256));
      return text;
    case 1:
      return text.substr(0, below(text.size() + 1));
    default: // splice a random piece elsewhere
      if (text.size() < 2)
        return text;
      size_t from = below(text.size()), to = below(text.size());
      return text.substr(0, to) + text.substr(from, below(64)) +
             text.substr(to);
    }
  }

  static constexpr const char *kRopeFields[] = {
      "rope_type", "factor", "low_freq_factor", "high_freq_factor",
      "original_max_position_embeddings"};

private:
  std::mt19937 rng;
};

struct Outcome {
  int accepted = 0;
  int rejected = 0;
};

/// Parses `text`; an accepted config must give a verified module and a
/// manifest, a rejected one an error that names the file.
void check(const std::string &text, MLIRContext &context, Outcome &outcome,
           const std::string &what) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(text, "fuzz.json");
  if (!parsed) {
    std::string error = llvm::toString(parsed.takeError());
    EXPECT_EQ(error.rfind("fuzz.json", 0), 0u) << what << ": " << error;
    ++outcome.rejected;
    return;
  }
  ++outcome.accepted;
  std::string diagnostics;
  ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
    diagnostics += diag.str() + "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module =
      buildModelGraph(&context, parsed->config, UnknownLoc::get(&context));
  ASSERT_TRUE(module) << what
                      << " was accepted but its graph does not verify:\n"
                      << diagnostics << "\n"
                      << text.substr(0, 2000);
  EXPECT_FALSE(buildManifestJson(*module).empty()) << what << diagnostics;
}

std::vector<std::pair<std::string, std::string>> fuzzBases() {
  auto bases = attn_test::allSharedConfigs();
  bases.emplace_back("tiny-llama", attn_test::kTinyLlama);
  return bases;
}

TEST(ConfigFuzzTest, MutatedDocumentsGiveCleanResults) {
  MLIRContext context;
  Mutator mutator(/*seed=*/20240601);
  Outcome outcome;
  for (const auto &[name, text] : fuzzBases()) {
    Json base = Json::parse(text, nullptr, false);
    ASSERT_TRUE(base.is_object()) << name;
    for (int i = 0; i < 600; ++i) {
      Json doc = base;
      for (size_t m = 0, e = 1 + mutator.below(3); m < e; ++m)
        mutator.mutateDocument(doc);
      std::string mutated =
          doc.dump(-1, ' ', false, Json::error_handler_t::replace);
      check(mutated, context, outcome, name + " #" + std::to_string(i));
      if (HasFatalFailure())
        return;
    }
  }
  std::printf("accepted %d, rejected %d\n", outcome.accepted, outcome.rejected);
  // Both outcomes must occur, or the mutations are not exercising anything.
  EXPECT_GT(outcome.accepted, 100);
  EXPECT_GT(outcome.rejected, 1000);
}

TEST(ConfigFuzzTest, MutatedTextGivesCleanResults) {
  MLIRContext context;
  Mutator mutator(/*seed=*/7);
  Outcome outcome;
  for (const auto &[name, text] : fuzzBases()) {
    for (int i = 0; i < 600; ++i) {
      std::string mutated = mutator.mutateText(text);
      check(mutated, context, outcome, name + " text #" + std::to_string(i));
      if (HasFatalFailure())
        return;
    }
  }
  std::printf("accepted %d, rejected %d\n", outcome.accepted, outcome.rejected);
  EXPECT_GT(outcome.accepted, 10);
  EXPECT_GT(outcome.rejected, 1000);
}

TEST(ConfigFuzzTest, ArbitraryJsonValuesGiveCleanResults) {
  MLIRContext context;
  Mutator mutator(/*seed=*/99);
  Outcome outcome;
  for (int i = 0; i < 1000; ++i)
    check(mutator.randomValue().dump(-1, ' ', false,
                                     Json::error_handler_t::replace),
          context, outcome, "value #" + std::to_string(i));
  EXPECT_GT(outcome.rejected, 900);
}

} // namespace
