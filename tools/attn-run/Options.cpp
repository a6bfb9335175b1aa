//===- Options.cpp - attn-run's command line ------------------------------===//
//
// A small parser of its own: attn-run must not link LLVM for cl::opt.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "common/ParseNumber.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace attn::run {

const char kUsage[] = R"(usage:
  attn-run MODEL.so --weights PATH --tokenizer DIR --prompt TEXT [options]
  attn-run MODEL.so --weights PATH --tokens ID,ID,... [options]
  attn-run MODEL.so --init-random-weights DIR [--dtype f32|f16|bf16] [--seed S]
  attn-run --tokenizer DIR --tokenize TEXT [--add-bos | --no-bos] [--chat]
  attn-run --tokenizer DIR --detokenize ID,ID,... [--special]

Runs a model library written by attnc through the runtime, or writes random
weights for it (DIR/model.safetensors: normal(0, 0.02), norm weights ones),
or checks a tokenizer on its own. See docs/attn-run.md.

  --weights PATH        a .safetensors file, a directory, or a sharded
                        model.safetensors.index.json
  --tokenizer DIR       the folder of tokenizer.json (and tokenizer_config.json)
  --prompt TEXT         encode TEXT, generate, and stream the text to stdout;
                        stops at end-of-generation tokens (EOS, <|eot_id|>)
  --chat                wrap the prompt (or the text of --tokenize) in Llama
                        3's chat format: a user turn and the assistant's
                        header, for instruct models
  --add-bos, --no-bos   start the prompt with BOS, or add no special tokens
                        (default: --prompt and --chat add BOS once;
                        --tokenize adds what tokenizer_config.json asks for)
  --tokens LIST         prompt token ids, comma-separated; with --tokenizer
                        the output is text, else the generated ids
  -n N                  tokens to generate at most (default 16; 0: the prompt
                        only)
  -c, --ctx-size C      KV-cache positions (default: prompt + N); above the
                        model's max_position_embeddings with a warning, as
                        output there may degrade unless the model's rope
                        scaling is meant for it (dynamic NTK acts only
                        there). --capacity C is the same
  --temperature T       0 (default) decodes greedily; > 0 samples
  --top-k K             sample among the K most likely tokens (0: all)
  --top-p P             sample from the nucleus of mass P, in (0, 1]
  --threads N           threads of the compiled code (default: OMP_NUM_THREADS,
                        else every core)
  --seed S              seed of the sampler or of the random weights (0)
  --dump-logits FILE    write the logits of every prompt position as a
                        float32 .npy array of shape [tokens, vocab]
  --init-random-weights DIR
  --dtype T             element type of the random weights (f32)
  --tokenize TEXT       print the ids of TEXT, comma-separated
  --detokenize LIST     print the text of comma-separated ids
  --special             with --detokenize: keep special tokens (<s>, ...)
  -h, --help            show this text
)";

namespace {

using attn::tools::parseInt;

bool parseFloat(const std::string &flag, const std::string &text, float &result,
                std::string &error) {
  char *end = nullptr;
  float value = std::strtof(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(value)) {
    error = flag + ": '" + text + "' is not a finite number";
    return false;
  }
  result = value;
  return true;
}

bool parseTokens(const std::string &flag, const std::string &text,
                 std::vector<int32_t> &tokens, std::string &error) {
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    int64_t value;
    if (!parseInt(flag, item, INT32_MIN, value, error) || value > INT32_MAX) {
      error = flag + ": item " + std::to_string(tokens.size()) + " ('" + item +
              "') is not a 32-bit integer";
      return false;
    }
    tokens.push_back(int32_t(value));
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

bool given(const std::vector<std::string> &flags, const char *flag) {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

/// Checks --tokenize and --detokenize, which run no model.
bool validateTokenizerMode(Options &options,
                           const std::vector<std::string> &positional,
                           const std::vector<std::string> &flags,
                           std::string &error) {
  if (options.hasTokenize && options.hasDetokenize) {
    error = "--tokenize and --detokenize cannot be combined";
    return false;
  }
  std::string mode = options.hasTokenize ? "--tokenize" : "--detokenize";
  if (options.tokenizer.empty()) {
    error = mode + " needs --tokenizer DIR";
    return false;
  }
  if (!positional.empty()) {
    error = mode + " runs no model; got model library '" + positional[0] + "'";
    return false;
  }
  for (const std::string &flag : flags) {
    if (flag == "--tokenizer" || flag == mode)
      continue;
    bool applies =
        options.hasTokenize
            ? flag == "--add-bos" || flag == "--no-bos" || flag == "--chat"
            : flag == "--special";
    if (!applies) {
      error = mode + " runs no model; it takes no " + flag;
      return false;
    }
  }
  options.mode = options.hasTokenize ? Mode::Tokenize : Mode::Detokenize;
  return true;
}

/// Checks the options of a model run.
bool validateGenerateMode(const Options &options,
                          const std::vector<std::string> &flags,
                          std::string &error) {
  if (options.weights.empty()) {
    error = "--weights is required to run a model";
    return false;
  }
  if (options.hasPrompt && options.hasTokens) {
    error = "--prompt and --tokens cannot be combined";
    return false;
  }
  if (!options.hasPrompt && !options.hasTokens) {
    error = "--tokens or --prompt is required to run a model";
    return false;
  }
  if (options.hasPrompt && options.tokenizer.empty()) {
    error = "--prompt needs --tokenizer DIR";
    return false;
  }
  if (options.chat && !options.hasPrompt) {
    error = "--chat needs --prompt";
    return false;
  }
  for (const char *flag : {"--add-bos", "--no-bos"})
    if (given(flags, flag) && !options.hasPrompt) {
      error = std::string(flag) + " applies to --prompt and --tokenize; "
                                  "--tokens are used as given";
      return false;
    }
  return true;
}

} // namespace

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  std::vector<std::string> positional;
  /// Every flag seen, so that conflicts can be named.
  std::vector<std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      return true;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    std::string flag = arg, value;
    bool hasValue = false;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    auto next = [&]() {
      if (hasValue)
        return true;
      if (i + 1 >= argc) {
        error = flag + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    auto noValue = [&]() {
      if (hasValue)
        error = flag + " takes no value";
      return !hasValue;
    };
    int64_t number;
    if (flag == "--weights") {
      if (!next())
        return false;
      options.weights = value;
    } else if (flag == "--tokens") {
      if (!next() || !parseTokens(flag, value, options.tokens, error))
        return false;
      options.hasTokens = true;
    } else if (flag == "-n") {
      if (!next() || !parseInt(flag, value, 0, options.generate, error))
        return false;
    } else if (flag == "-c" || flag == "--ctx-size" || flag == "--capacity") {
      if (!next() || !parseInt(flag, value, 1, options.capacity, error))
        return false;
    } else if (flag == "--temperature") {
      if (!next() ||
          !parseFloat(flag, value, options.sampler.temperature, error))
        return false;
      if (options.sampler.temperature < 0) {
        error = "--temperature: " + value + " is negative";
        return false;
      }
    } else if (flag == "--top-k") {
      if (!next() || !parseInt(flag, value, 0, options.sampler.topK, error))
        return false;
    } else if (flag == "--top-p") {
      if (!next() || !parseFloat(flag, value, options.sampler.topP, error))
        return false;
      if (!(options.sampler.topP > 0 && options.sampler.topP <= 1)) {
        error = "--top-p: " + value + " is not in (0, 1]";
        return false;
      }
    } else if (flag == "--threads") {
      if (!next() || !parseInt(flag, value, 1, number, error))
        return false;
      if (number > 4096) {
        error = "--threads: " + value + " is above 4096";
        return false;
      }
      options.threads = int32_t(number);
    } else if (flag == "--seed") {
      if (!next() || !parseInt(flag, value, 0, number, error))
        return false;
      options.seed = options.sampler.seed = uint64_t(number);
      options.hasSeed = true;
    } else if (flag == "--dump-logits") {
      if (!next())
        return false;
      options.dumpLogits = value;
    } else if (flag == "--init-random-weights") {
      if (!next())
        return false;
      options.initRandomWeights = value;
    } else if (flag == "--dtype") {
      if (!next())
        return false;
      std::optional<rt::DType> dtype = rt::parseDType(value);
      if (!dtype) {
        error = "--dtype: '" + value + "' is not one of f32, f16, bf16";
        return false;
      }
      options.dtype = *dtype;
      options.hasDType = true;
    } else if (flag == "--tokenizer") {
      if (!next())
        return false;
      options.tokenizer = value;
    } else if (flag == "--prompt") {
      if (!next())
        return false;
      options.prompt = value;
      options.hasPrompt = true;
    } else if (flag == "--tokenize") {
      if (!next())
        return false;
      options.tokenizeText = value;
      options.hasTokenize = true;
    } else if (flag == "--detokenize") {
      if (!next() || !parseTokens(flag, value, options.detokenizeIds, error))
        return false;
      options.hasDetokenize = true;
    } else if (flag == "--chat") {
      if (!noValue())
        return false;
      options.chat = true;
    } else if (flag == "--special") {
      if (!noValue())
        return false;
      options.showSpecial = true;
    } else if (flag == "--add-bos" || flag == "--no-bos") {
      if (!noValue())
        return false;
      const char *other = flag == "--add-bos" ? "--no-bos" : "--add-bos";
      if (given(flags, other)) {
        error = "--add-bos and --no-bos cannot be combined";
        return false;
      }
      options.bos = flag == "--add-bos" ? BosChoice::Add : BosChoice::None;
    } else {
      error = "unknown option '" + arg + "'";
      return false;
    }
    if (!error.empty())
      return false;
    flags.push_back(flag);
  }

  if (options.hasTokenize || options.hasDetokenize)
    return validateTokenizerMode(options, positional, flags, error);
  if (options.showSpecial) {
    error = "--special only applies to --detokenize";
    return false;
  }
  if (positional.size() != 1) {
    error = positional.empty()
                ? "no model library given"
                : "one model library expected, got '" + positional[1] + "' too";
    return false;
  }
  options.model = positional[0];
  if (!options.initRandomWeights.empty()) {
    if (!options.weights.empty() || options.hasTokens || options.hasPrompt ||
        !options.tokenizer.empty() || !options.dumpLogits.empty()) {
      error = "--init-random-weights writes weights; it takes no --weights, "
              "--tokens, --prompt, --tokenizer or --dump-logits";
      return false;
    }
    options.mode = Mode::InitRandomWeights;
    return true;
  }
  if (options.hasDType) {
    error = "--dtype only applies to --init-random-weights";
    return false;
  }
  return validateGenerateMode(options, flags, error);
}

} // namespace attn::run
