//===- TextGeneration.h - Prompt text in, streamed text out -----*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_TEXTGENERATION_H
#define ATTN_TOOLS_ATTN_RUN_TEXTGENERATION_H

#include "Options.h"

#include "attn/runtime.h"

namespace attn::run {

/// Generation with --tokenizer: encodes --prompt (or takes --tokens), prints
/// the prompt and then each generated piece of text as it comes, stops at
/// an end-of-generation token or after -n tokens, and reports throughput on
/// stderr. Returns the exit status.
int runTextGeneration(attn_model *model, const Options &options);

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_TEXTGENERATION_H
