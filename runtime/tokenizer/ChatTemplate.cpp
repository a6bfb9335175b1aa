//===- ChatTemplate.cpp - Llama 3's chat format ---------------------------===//
//
// Llama 3 Instruct's chat template renders each message as
//   <|start_header_id|>{role}<|end_header_id|>\n\n{content | trim}<|eot_id|>
// after BOS, and ends with the assistant's header when a reply is wanted.
// Special tokens split the rendered string before BPE, so encoding the pieces
// between them one by one gives the same ids as encoding the whole string,
// while keeping special-token text typed by a user from becoming control
// tokens.
//
//===----------------------------------------------------------------------===//

#include "Tokenizer.h"
#include "Unicode.h"

namespace attn::tokenizer {

namespace {
/// Jinja's `trim` (Python's str.strip()): whitespace at both ends.
std::string_view trim(std::string_view text) {
  auto isSpaceAt = [&](size_t pos) {
    uint32_t cp = decodeUtf8(text, pos).codePoint;
    return isWhitespace(cp) || (cp >= 0x1C && cp <= 0x1F);
  };
  while (!text.empty() && isSpaceAt(0))
    text.remove_prefix(decodeUtf8(text, 0).length);
  while (!text.empty()) {
    size_t start = text.size() - 1;
    while (start > 0 &&
           (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
      --start;
    if (!isSpaceAt(start))
      break;
    text.remove_suffix(text.size() - start);
  }
  return text;
}
} // namespace

bool encodeLlama3Chat(const Tokenizer &tok,
                      const std::vector<ChatMessage> &messages, bool addBos,
                      bool addAssistantHeader, std::vector<int32_t> &out,
                      std::string &error) {
  struct Required {
    const char *name;
    int32_t id;
  } header{"<|start_header_id|>", -1}, headerEnd{"<|end_header_id|>", -1},
      turnEnd{"<|eot_id|>", -1};
  for (Required *r : {&header, &headerEnd, &turnEnd}) {
    r->id = tok.findToken(r->name);
    if (r->id < 0) {
      error = std::string("Llama 3 chat format: the tokenizer has no ") +
              r->name + " token";
      return false;
    }
  }
  if (addBos && tok.bosId < 0) {
    error = "Llama 3 chat format: the tokenizer names no BOS token";
    return false;
  }

  EncodeOptions plain;
  plain.specialAsText = true;
  std::vector<int32_t> ids;
  if (addBos)
    ids.push_back(tok.bosId);
  auto turnHeader = [&](std::string_view role, size_t index) {
    ids.push_back(header.id);
    if (!tok.encode(role, plain, ids, error)) {
      error = "message " + std::to_string(index) + " role: " + error;
      return false;
    }
    ids.push_back(headerEnd.id);
    return true;
  };
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!turnHeader(messages[i].role, i))
      return false;
    std::string body = "\n\n";
    body += trim(messages[i].content);
    if (!tok.encode(body, plain, ids, error)) {
      error = "message " + std::to_string(i) + " content: " + error;
      return false;
    }
    ids.push_back(turnEnd.id);
  }
  if (addAssistantHeader) {
    if (!turnHeader("assistant", messages.size()))
      return false;
    if (!tok.encode("\n\n", plain, ids, error))
      return false;
  }
  out.insert(out.end(), ids.begin(), ids.end());
  return true;
}

} // namespace attn::tokenizer
