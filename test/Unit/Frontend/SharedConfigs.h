//===- SharedConfigs.h - Configs the frontend tests start from --*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_FRONTEND_SHAREDCONFIGS_H
#define ATTN_TEST_UNIT_FRONTEND_SHAREDCONFIGS_H

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attn_test {

/// The folder of real configs: $ATTN_SHARED_DIR/configs, or std::nullopt
/// when it does not exist.
std::optional<std::string> sharedConfigDir();

/// The text of $ATTN_SHARED_DIR/configs/<name>, or std::nullopt.
std::optional<std::string> readSharedConfig(const std::string &name);

/// Every *.json in the shared config folder as (name, text).
std::vector<std::pair<std::string, std::string>> allSharedConfigs();

/// A small valid llama config that needs no files.
extern const char *const kTinyLlama;

} // namespace attn_test

#endif // ATTN_TEST_UNIT_FRONTEND_SHAREDCONFIGS_H
