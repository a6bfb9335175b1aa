//===- ModelConfig.cpp - Names of the config enums ------------------------===//

#include "attn/Frontend/ModelConfig.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::attn;

llvm::StringRef mlir::attn::stringifyModelType(ModelType type) {
  switch (type) {
  case ModelType::Llama:
    return "llama";
  case ModelType::Mistral:
    return "mistral";
  case ModelType::Qwen2:
    return "qwen2";
  }
  llvm_unreachable("unknown model type");
}

llvm::StringRef mlir::attn::stringifyRopeScalingType(RopeScalingType type) {
  switch (type) {
  case RopeScalingType::None:
    return "default";
  case RopeScalingType::Linear:
    return "linear";
  case RopeScalingType::Dynamic:
    return "dynamic";
  case RopeScalingType::Llama3:
    return "llama3";
  }
  llvm_unreachable("unknown rope scaling type");
}
