//===- SharedConfigs.cpp - Configs the frontend tests start from ----------===//

#include "SharedConfigs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstdlib>

std::optional<std::string> attn_test::sharedConfigDir() {
  const char *env = std::getenv("ATTN_SHARED_DIR");
  std::string root = env ? env : "../shared";
  llvm::SmallString<256> dir(root);
  llvm::sys::path::append(dir, "configs");
  if (!llvm::sys::fs::is_directory(dir))
    return std::nullopt;
  return std::string(dir);
}

std::optional<std::string>
attn_test::readSharedConfig(const std::string &name) {
  std::optional<std::string> dir = sharedConfigDir();
  if (!dir)
    return std::nullopt;
  llvm::SmallString<256> path(*dir);
  llvm::sys::path::append(path, name);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return std::nullopt;
  return (*buffer)->getBuffer().str();
}

std::vector<std::pair<std::string, std::string>> attn_test::allSharedConfigs() {
  std::vector<std::pair<std::string, std::string>> configs;
  std::optional<std::string> dir = sharedConfigDir();
  if (!dir)
    return configs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(*dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef path = it->path();
    if (!path.ends_with(".json"))
      continue;
    std::string name = llvm::sys::path::filename(path).str();
    if (std::optional<std::string> text = readSharedConfig(name))
      configs.emplace_back(name, *text);
  }
  std::sort(configs.begin(), configs.end());
  return configs;
}

const char *const attn_test::kTinyLlama = R"({
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_act": "silu",
  "hidden_size": 64,
  "intermediate_size": 176,
  "num_hidden_layers": 2,
  "num_attention_heads": 4,
  "num_key_value_heads": 2,
  "vocab_size": 256,
  "max_position_embeddings": 512,
  "rms_norm_eps": 1e-05,
  "rope_theta": 10000.0,
  "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                   "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 256},
  "tie_word_embeddings": false,
  "sliding_window": null,
  "torch_dtype": "float32"
})";
