//===- CompiledModel.cpp - A tiny model compiled by attnc, with weights ---===//

#include "CompiledModel.h"

#include "attn/Driver/Driver.h"
#include "attn/Reference/RandomWeights.h"
#include "attn/Reference/Rounding.h"
#include "attn/Runtime/SafeTensorsWriter.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <fstream>
#include <map>
#include <random>

using namespace attn_e2e;
namespace ref = attn::reference;

static attn::rt::DType runtimeType(ref::StorageType storage) {
  switch (storage) {
  case ref::StorageType::F32:
    return attn::rt::DType::F32;
  case ref::StorageType::F16:
    return attn::rt::DType::F16;
  case ref::StorageType::BF16:
    return attn::rt::DType::BF16;
  }
  return attn::rt::DType::F32;
}

std::string attn_e2e::writeWeights(const std::string &path,
                                   const ref::WeightMap &weights,
                                   ref::StorageType storage) {
  std::vector<attn::rt::TensorSpec> specs;
  std::vector<std::vector<float>> values;
  for (const auto &[name, tensor] : weights) {
    specs.push_back({name, runtimeType(storage), tensor.shape});
    values.emplace_back(tensor.data.begin(), tensor.data.end());
  }
  attn::rt::Status status = attn::rt::writeSafeTensors(path, specs, values);
  return status.ok() ? "" : status.message();
}

std::unique_ptr<CompiledModel> CompiledModel::build(const TinyModel &model,
                                                    std::string &error) {
  std::unique_ptr<CompiledModel> result(new CompiledModel());
  result->model = &model;
  llvm::SmallString<128> directory;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(
          "attn-e2e-" + model.name, directory)) {
    error = "cannot create a temporary folder: " + ec.message();
    return nullptr;
  }
  result->directory = directory.str().str();
  std::string configPath = result->directory + "/config.json";
  result->library = result->directory + "/model.so";
  result->weightFile = result->directory + "/model.safetensors";
  std::ofstream(configPath) << configJson(model);

  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::attn::CompileOptions options;
  options.inputPath = configPath;
  options.outputPath = result->library;
  std::string diagnostics;
  llvm::raw_string_ostream errs(diagnostics);
  if (!model.pipelineOptions.empty() &&
      mlir::failed(mlir::attn::parseCPUPipelineOptions(
          model.pipelineOptions, options.cpuPipeline,
          [&](const llvm::Twine &message) {
            errs << message << "\n";
            return mlir::failure();
          }))) {
    error =
        "bad pipeline options '" + model.pipelineOptions + "': " + diagnostics;
    return nullptr;
  }
  if (mlir::failed(mlir::attn::compile(options, context, errs))) {
    error = "attnc failed on " + configPath + ":\n" + diagnostics;
    return nullptr;
  }

  ref::RandomWeightOptions random;
  random.stddev = kWeightStddev;
  result->rounded = ref::makeRandomWeights(model.config, random);
  ref::roundWeights(result->rounded, model.storage);
  error = writeWeights(result->weightFile, result->rounded, model.storage);
  if (!error.empty())
    return nullptr;
  return result;
}

CompiledModel::~CompiledModel() {
  if (!directory.empty())
    llvm::sys::fs::remove_directories(directory);
}

ref::ReferenceModel CompiledModel::reference() const {
  std::string error;
  std::optional<ref::ReferenceModel> reference =
      ref::ReferenceModel::create(model->config, rounded, error);
  if (!reference) {
    ADD_FAILURE() << "the reference rejects " << model->name << ": " << error;
    std::abort();
  }
  return std::move(*reference);
}

const CompiledModel *attn_e2e::compiledModel(const std::string &name) {
  static std::map<std::string, std::unique_ptr<CompiledModel>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::string error;
    it =
        cache.emplace(name, CompiledModel::build(tinyModel(name), error)).first;
    if (!it->second)
      ADD_FAILURE() << error;
  }
  return it->second.get();
}

::testing::AssertionResult attn_e2e::openModel(const CompiledModel &compiled,
                                               OpenModel &open) {
  if (attn_model_open(compiled.libraryPath().c_str(), &open.model) != ATTN_OK)
    return ::testing::AssertionFailure()
           << "attn_model_open: " << attn_error_message();
  if (attn_model_load_weights(open.model, compiled.weightsPath().c_str()) !=
      ATTN_OK)
    return ::testing::AssertionFailure()
           << "attn_model_load_weights: " << attn_error_message();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult
attn_e2e::rowsClose(const std::vector<float> &actual,
                    const std::vector<double> &expected, int64_t vocab,
                    double rel) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "sizes differ: " << actual.size() << " vs " << expected.size();
  for (size_t row = 0; row * vocab < actual.size(); ++row) {
    double largest = 0, worst = 0;
    size_t worstAt = 0;
    for (int64_t v = 0; v < vocab; ++v)
      largest = std::max(largest, std::fabs(expected[row * vocab + v]));
    for (int64_t v = 0; v < vocab; ++v) {
      double diff = std::fabs(double(actual[row * vocab + v]) -
                              expected[row * vocab + v]);
      if (!(diff <= worst)) {
        worst = diff;
        worstAt = v;
      }
    }
    if (!(worst <= rel * largest))
      return ::testing::AssertionFailure()
             << "row " << row << ": |actual - expected| = " << worst
             << " at column " << worstAt << " (actual "
             << actual[row * vocab + worstAt] << ", expected "
             << expected[row * vocab + worstAt] << ") exceeds " << rel
             << " * max|expected| = " << rel * largest;
  }
  return ::testing::AssertionSuccess();
}

double attn_e2e::maxDifference(const std::vector<float> &a,
                               const std::vector<double> &b) {
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::max(worst, std::fabs(double(a[i]) - b[i]));
  return worst;
}

std::vector<int32_t> attn_e2e::randomTokens(int64_t count, int64_t vocab,
                                            uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> pick(0, int32_t(vocab - 1));
  std::vector<int32_t> tokens(count);
  for (int32_t &t : tokens)
    t = pick(rng);
  return tokens;
}
