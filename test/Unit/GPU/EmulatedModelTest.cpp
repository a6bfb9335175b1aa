//===- EmulatedModelTest.cpp - Whole CUDA model libraries on the CPU ------===//
//
// Small configs of test/Frontend/Inputs compiled as attnc compiles them for
// sm_90 (EmulatedModel.h) and for the host CPU, both opened through the
// runtime's C API on the same bf16-valued random weights (so that storing
// any of them in bf16 loses nothing), run through the same prefills and
// decodes, and compared logits row by row with the criterion of
// scripts/gpu-check.sh. The CUDA library runs on the stand-in driver
// (Fixtures/FakeCUDA.c) with its kernels on the SIMT emulator: the host
// code, the runtime's uploads and caches and every kernel are the ones a GPU
// would get, only the driver and the GPU are not.
//
//===----------------------------------------------------------------------===//

#include "EmulatedModel.h"

#include "attn/Driver/Driver.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Random.h"
#include "attn/Runtime/SafeTensorsWriter.h"
#include "attn/runtime.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace attn_emu;

namespace {

/// max |cuda - cpu| <= kTolerance * max |cpu| per row, as scripts/gpu-check.sh
/// accepts a GPU's logits: the CUDA kernels round their operands to bf16
/// for the tensor cores, the CPU library computes in f32.
constexpr double kTolerance = 2e-2;

/// The standard deviation of the random weights. The bf16 rounding of the
/// tensor cores' operands, amplified through the layers, grows with it:
/// worst rows of the cases below measured 0.3% of max |cpu| at 0.02 (Llama's
/// initializer, what attn-run and gpu-check.sh use), 0.8% at 0.05, 1.8% at
/// 0.1 and up to 3.3% at 0.2, against 1e-6 with the tensor-core kernels
/// off. 0.05 leaves room below the tolerance while attention is peaked
/// enough for the window and the biases to move the logits well beyond it
/// (the contrast configs check that they do).
constexpr double kWeightStddev = 0.05;

/// Which tensor-core instructions a case's prefill must have run.
enum class Cores {
  /// Projections on wgmma, attention on mma.sync.
  Wgmma,
  /// Both on mma.sync.
  MmaSync,
  /// Projections on wgmma, attention on flash-decoding (no tensor cores).
  WgmmaProjections,
  /// Neither (tile-matmuls=false flash-attention=false).
  None,
};

/// One comparison: a config, the CUDA pipeline options, and what to run.
struct ModelCase {
  const char *name;
  /// A file of test/Frontend/Inputs, or one of kDerivedConfigs.
  const char *config;
  const char *pipelineOptions;
  /// Tokens of each prefill call (every row's logits compared), then the
  /// number of decode steps.
  std::vector<int> prefills;
  int decodes;
  Cores cores;
  /// A config that differs from `config` only in the feature the case is
  /// about, or null: on the same weights its CPU logits must differ from
  /// `config`'s beyond the tolerance, else a CUDA library ignoring the
  /// feature would pass.
  const char *contrast = nullptr;
  double tolerance = kTolerance;
};

/// Configs made from those of test/Frontend/Inputs by changing one key
/// (none of the small ones there ties the LM head or turns its window off),
/// written to the scratch folder.
struct DerivedConfig {
  const char *name, *source, *from, *to;
};
constexpr DerivedConfig kDerivedConfigs[] = {
    {"layers-2-tied.json", "layers-2.json", "\"tie_word_embeddings\": false",
     "\"tie_word_embeddings\": true"},
    {"qwen2-no-window.json", "qwen2-window.json",
     "\"use_sliding_window\": true", "\"use_sliding_window\": false"},
};

/// What one session produced: every logits row in order, and the
/// emulator's records of the prefill and decode calls.
struct SessionRun {
  std::vector<std::vector<float>> rows;
  LaunchLog prefill, decode;
  std::string error;
};

void accumulate(LaunchLog &total, const LaunchLog &call) {
  total.launches += call.launches;
  total.warpMmas += call.warpMmas;
  total.warpgroupMmas += call.warpgroupMmas;
  if (total.firstError.empty())
    total.firstError = call.firstError;
}

/// The prompt of every case: `count` token ids from a fixed stream.
std::vector<int32_t> tokensFor(int64_t count, int64_t vocab, uint64_t seed) {
  attn::rt::Random random(seed);
  std::vector<int32_t> tokens(count);
  for (int32_t &token : tokens)
    token = int32_t(random.uniform() * double(vocab)) % int32_t(vocab);
  return tokens;
}

/// Runs `model` through the prefills and decodes of `modelCase`, the
/// same tokens for every model of a config.
SessionRun runSession(attn_model *model, const ModelCase &modelCase) {
  SessionRun run;
  attn_session *session = nullptr;
  if (attn_session_create(model, 0, &session) != ATTN_OK) {
    run.error = std::string("attn_session_create: ") + attn_error_message();
    return run;
  }
  int64_t vocab = attn_model_vocab_size(model);
  int total = modelCase.decodes;
  for (int count : modelCase.prefills)
    total += count;
  std::vector<int32_t> tokens = tokensFor(total, vocab, 7);
  size_t next = 0;
  takeLaunchLog();
  auto failed = [&](const char *call, attn_status status, LaunchLog &log) {
    LaunchLog taken = takeLaunchLog();
    accumulate(log, taken);
    if (status == ATTN_OK && taken.firstError.empty())
      return false;
    run.error =
        std::string(call) + " at position " +
        std::to_string(attn_session_position(session)) + ": " +
        (status == ATTN_OK ? "" : attn_error_message()) +
        (taken.firstError.empty() ? ""
                                  : " (emulator: " + taken.firstError + ")");
    return true;
  };
  for (int count : modelCase.prefills) {
    std::vector<float> logits(size_t(count) * vocab);
    attn_status status =
        attn_session_prefill(session, tokens.data() + next, count,
                             ATTN_PREFILL_ALL_LOGITS, logits.data());
    if (failed("attn_session_prefill", status, run.prefill))
      break;
    next += count;
    for (int row = 0; row < count; ++row)
      run.rows.emplace_back(logits.begin() + row * vocab,
                            logits.begin() + (row + 1) * vocab);
  }
  for (int step = 0; run.error.empty() && step < modelCase.decodes; ++step) {
    std::vector<float> logits(vocab);
    attn_status status =
        attn_session_decode(session, tokens[next++], logits.data());
    if (failed("attn_session_decode", status, run.decode))
      break;
    run.rows.push_back(std::move(logits));
  }
  attn_session_destroy(session);
  return run;
}

/// Every checkpoint tensor `manifest` reads (the parts of fused weights, not
/// the fused tensors), written to `path` in bf16: normal(0, kWeightStddev)
/// values, 1 + such for norm weights, each tensor from its own stream.
std::string writeWeights(const attn::rt::Manifest &manifest,
                         const std::string &path) {
  std::vector<attn::rt::TensorSpec> specs;
  for (const attn::rt::WeightSlot &slot : manifest.slots()) {
    if (slot.parts.empty())
      specs.push_back({slot.name, attn::rt::DType::BF16, slot.shape});
    for (const attn::rt::WeightPart &part : slot.parts)
      specs.push_back({part.name, attn::rt::DType::BF16, part.shape});
  }
  std::vector<std::vector<float>> values;
  for (const attn::rt::TensorSpec &spec : specs) {
    attn::rt::Random random(attn::rt::hashName(spec.name));
    bool norm =
        spec.shape.size() == 1 && spec.name.find("norm") != std::string::npos;
    std::vector<float> tensor(attn::rt::elementCount(spec.shape));
    for (float &value : tensor)
      value = float((norm ? 1 : 0) + kWeightStddev * random.normal());
    values.push_back(std::move(tensor));
  }
  attn::rt::Status status = attn::rt::writeSafeTensors(path, specs, values);
  return status.ok() ? "" : status.message();
}

/// Every row of `cuda` against the same row of `cpu`: no NaN or infinity,
/// not all zero, within `tolerance` times the row's largest |cpu|.
testing::AssertionResult
logitsAgree(const std::vector<std::vector<float>> &cuda,
            const std::vector<std::vector<float>> &cpu, double tolerance) {
  if (cuda.size() != cpu.size())
    return testing::AssertionFailure() << cuda.size() << " rows of CUDA logits"
                                       << ", " << cpu.size() << " of CPU ones";
  double worstRatio = 0;
  for (size_t row = 0; row < cpu.size(); ++row) {
    double largest = 0, worst = 0;
    size_t worstAt = 0;
    bool cudaNonZero = false;
    for (size_t v = 0; v < cpu[row].size(); ++v) {
      if (!std::isfinite(cuda[row][v]) || !std::isfinite(cpu[row][v]))
        return testing::AssertionFailure()
               << "row " << row << " column " << v << ": CUDA " << cuda[row][v]
               << ", CPU " << cpu[row][v];
      largest = std::max(largest, std::fabs(double(cpu[row][v])));
      cudaNonZero |= cuda[row][v] != 0;
      double diff = std::fabs(double(cuda[row][v]) - double(cpu[row][v]));
      if (diff > worst) {
        worst = diff;
        worstAt = v;
      }
    }
    if (largest == 0 || !cudaNonZero)
      return testing::AssertionFailure()
             << "row " << row << " is all zero in the "
             << (largest == 0 ? "CPU" : "CUDA") << " logits";
    if (worst > tolerance * largest)
      return testing::AssertionFailure()
             << "row " << row << " of " << cpu.size()
             << ": max |cuda - cpu| = " << worst << " at column " << worstAt
             << " (cuda " << cuda[row][worstAt] << ", cpu " << cpu[row][worstAt]
             << ") exceeds " << tolerance
             << " * max |cpu| = " << tolerance * largest;
    worstRatio = std::max(worstRatio, worst / largest);
  }
  return testing::AssertionSuccess()
         << "worst row: max |cuda - cpu| = " << worstRatio << " * max |cpu|";
}

/// The CPU library of a config and its weights, shared by the cases that
/// run it.
struct Reference {
  std::string library, weights;
  std::string error;
};

class EmulatedModelTest : public testing::TestWithParam<ModelCase> {
protected:
  static void SetUpTestSuite() {
    llvm::SmallString<128> directory;
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("attn-emulated-model", directory));
    scratch = new std::string(directory.str());
    for (const DerivedConfig &derived : kDerivedConfigs) {
      std::ifstream in(configPath(derived.source));
      std::stringstream text;
      text << in.rdbuf();
      std::string config = text.str();
      size_t at = config.find(derived.from);
      ASSERT_NE(at, std::string::npos)
          << derived.source << " has no '" << derived.from << "'";
      config.replace(at, std::strlen(derived.from), derived.to);
      std::ofstream(configPath(derived.name)) << config;
    }
    // Read once, by the runtime's first CUDA model; nothing else in this
    // process loads a driver.
    setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
    setenv("ATTN_FAKE_CUDA_CC", "90", 1);
  }
  static void TearDownTestSuite() {
    if (scratch)
      llvm::sys::fs::remove_directories(*scratch);
    delete scratch;
    scratch = nullptr;
    references.clear();
  }

  static std::string configPath(const std::string &name) {
    for (const DerivedConfig &derived : kDerivedConfigs)
      if (name == derived.name)
        return *scratch + "/" + name;
    return std::string(ATTN_CONFIGS_DIR) + "/" + name;
  }

  /// The CPU library of `config`, compiled as attnc compiles it for the
  /// host, and the weights every library of the config loads.
  static const Reference &reference(const std::string &config) {
    auto [it, inserted] = references.try_emplace(config);
    Reference &ref = it->second;
    if (!inserted)
      return ref;
    std::string stem = *scratch + "/" + config;
    ref.library = stem + ".cpu.so";
    ref.weights = stem + ".safetensors";
    mlir::MLIRContext context;
    mlir::attn::CompileOptions options;
    options.inputPath = configPath(config);
    options.outputPath = ref.library;
    llvm::raw_string_ostream errs(ref.error);
    if (mlir::failed(mlir::attn::compile(options, context, errs)))
      return ref;
    attn_model *model = nullptr;
    if (attn_model_open(ref.library.c_str(), &model) != ATTN_OK) {
      ref.error = attn_error_message();
      return ref;
    }
    attn::rt::Manifest manifest;
    attn::rt::Status status = attn::rt::parseManifest(
        attn_model_manifest(model), ref.library, manifest);
    attn_model_close(model);
    ref.error =
        status.ok() ? writeWeights(manifest, ref.weights) : status.message();
    return ref;
  }

  static inline std::string *scratch = nullptr;
  static inline std::map<std::string, Reference> references;
};

/// Opens `path` (or `emulated`) and loads `weights`; null with `error` set
/// on failure.
attn_model *openModel(const std::string &path, const EmulatedModel *emulated,
                      const std::string &weights, std::string &error) {
  attn_model *model = nullptr;
  attn_status status =
      emulated ? emulated->open(&model) : attn_model_open(path.c_str(), &model);
  if (status == ATTN_OK &&
      attn_model_load_weights(model, weights.c_str()) == ATTN_OK)
    return model;
  error = path + ": " + attn_error_message();
  attn_model_close(model);
  return nullptr;
}

TEST_P(EmulatedModelTest, LogitsMatchTheCPULibrary) {
  const ModelCase &modelCase = GetParam();
  const Reference &ref = reference(modelCase.config);
  ASSERT_TRUE(ref.error.empty()) << ref.error;

  std::string error;
  std::string library = *scratch + "/" + modelCase.name + ".cuda.so";
  std::unique_ptr<EmulatedModel> emulated = EmulatedModel::compile(
      configPath(modelCase.config), modelCase.pipelineOptions, library, error);
  ASSERT_TRUE(emulated) << error;

  attn_model *cpuModel = openModel(ref.library, nullptr, ref.weights, error);
  ASSERT_TRUE(cpuModel) << error;
  SessionRun cpu = runSession(cpuModel, modelCase);
  attn_model_close(cpuModel);
  ASSERT_TRUE(cpu.error.empty()) << "CPU library: " << cpu.error;

  attn_model *cudaModel =
      openModel(library, emulated.get(), ref.weights, error);
  ASSERT_TRUE(cudaModel) << error;
  SessionRun cuda = runSession(cudaModel, modelCase);
  attn_model_close(cudaModel);
  ASSERT_TRUE(cuda.error.empty()) << "CUDA library: " << cuda.error;

  testing::AssertionResult agree =
      logitsAgree(cuda.rows, cpu.rows, modelCase.tolerance);
  EXPECT_TRUE(agree);
  std::printf("%zu rows; %s; prefill: %d launches, %lld mma.sync, %lld "
              "wgmma; decode: %d launches\n",
              cpu.rows.size(), agree.message(), cuda.prefill.launches,
              (long long)cuda.prefill.warpMmas,
              (long long)cuda.prefill.warpgroupMmas, cuda.decode.launches);

  // The kernels under test ran: in prefill the tensor-core projections
  // (wgmma, or mma.sync without it) and FlashAttention's mma.sync.
  EXPECT_GT(cuda.prefill.launches, 0);
  EXPECT_GT(cuda.decode.launches, 0);
  EXPECT_EQ(cuda.prefill.warpMmas > 0, modelCase.cores == Cores::Wgmma ||
                                           modelCase.cores == Cores::MmaSync)
      << cuda.prefill.warpMmas << " mma.sync in prefill";
  EXPECT_EQ(cuda.prefill.warpgroupMmas > 0,
            modelCase.cores == Cores::Wgmma ||
                modelCase.cores == Cores::WgmmaProjections)
      << cuda.prefill.warpgroupMmas << " wgmma.mma_async in prefill";

  if (!modelCase.contrast)
    return;
  const Reference &other = reference(modelCase.contrast);
  ASSERT_TRUE(other.error.empty()) << other.error;
  attn_model *contrastModel =
      openModel(other.library, nullptr, ref.weights, error);
  ASSERT_TRUE(contrastModel) << error;
  SessionRun contrast = runSession(contrastModel, modelCase);
  attn_model_close(contrastModel);
  ASSERT_TRUE(contrast.error.empty()) << "CPU library: " << contrast.error;
  EXPECT_FALSE(logitsAgree(contrast.rows, cpu.rows, modelCase.tolerance))
      << modelCase.contrast << " gives the logits of " << modelCase.config
      << " within the tolerance: this case cannot tell whether the CUDA "
         "library honours the feature";
}

void PrintTo(const ModelCase &modelCase, std::ostream *os) {
  *os << modelCase.config << " '" << modelCase.pipelineOptions << "'";
}

const ModelCase kCases[] = {
    // The second prefill's 3 rows take the GEMV and flash-decoding kernels
    // (gemv-max-rows, decode-max-rows), its first the tensor cores.
    {"Layers2", "layers-2.json", "", {12, 3}, 4, Cores::Wgmma},
    {"Layers2MmaSync",
     "layers-2.json",
     "wgmma=false",
     {12, 3},
     4,
     Cores::MmaSync},
    {"Layers2Bf16Weights",
     "layers-2.json",
     "bf16-weights=true",
     {12, 3},
     4,
     Cores::Wgmma},
    {"Layers2F16Attention",
     "layers-2.json",
     "mma-type=f16",
     {12},
     3,
     Cores::Wgmma},
    // Flash-decoding for every row of the prefill too.
    {"Layers2FlashDecoding",
     "layers-2.json",
     "decode-max-rows=1024",
     {12},
     3,
     Cores::WgmmaProjections},
    // Without the tensor cores every kernel computes in f32, as the CPU
    // does: the host code, the runtime's buffers and the other kernels are
    // checked to f32 rounding.
    {"Layers2F32Kernels",
     "layers-2.json",
     "tile-matmuls=false flash-attention=false",
     {12, 3},
     3,
     Cores::None,
     nullptr,
     1e-4},
    // Several key blocks in prefill, prefills that read the cache, and
    // decode over more than 256 cached keys (flash-decoding's second chunk).
    {"Layers2Long", "layers-2.json", "", {70, 100, 100}, 3, Cores::Wgmma},
    {"Biases", "llama-biases.json", "", {12}, 3, Cores::Wgmma, "layers-2.json"},
    {"HeadDim32", "head-dim-override.json", "", {12}, 3, Cores::Wgmma},
    {"Tied", "layers-2-tied.json", "", {12}, 3, Cores::Wgmma},
    // A window of 128 keys, which the second prefill and the decodes cut.
    {"SlidingWindow",
     "qwen2-window.json",
     "",
     {70, 100},
     3,
     Cores::Wgmma,
     "qwen2-no-window.json"},
};

INSTANTIATE_TEST_SUITE_P(Configs, EmulatedModelTest, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<ModelCase> &info) {
                           return std::string(info.param.name);
                         });

} // namespace
