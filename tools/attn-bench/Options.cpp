//===- Options.cpp - attn-bench's command line ----------------------------===//
//
// A small parser of its own, like attn-run's: attn-bench must not link LLVM
// for cl::opt.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "common/ParseNumber.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace attn::bench {

const char kUsage[] = R"(usage:
  attn-bench MODEL.so (--weights PATH | --random-weights [--dtype T] [--seed S])
             [-p N] [-n N] [-d N] [-r N] [--threads N]
             [--limits-buffer-mib M]
  attn-bench --limits-only [--threads N] [--limits-buffer-mib M]
  attn-bench --attention [...]   (attention alone; --attention --help)
  attn-bench --matmul [...]      (one packed matmul; --matmul --help)

Measures prompt processing (ppN: one prefill of N tokens) and text
generation (tgN: N decodes of one token) of a model library written by
attnc, in llama-bench's convention: tokens/s, mean +- standard deviation
over the repetitions after one warm-up. Each figure is set against the
machine's limit, measured first by microbenchmarks: peak f32 FMA throughput
for prefill, memory bandwidth for decode. See docs/benchmarking.md.

  --weights PATH          a .safetensors file, a directory, or a sharded
                          model.safetensors.index.json
  --random-weights        write random weights for the model to a temporary
                          directory (removed again) and use them
  --dtype T               f32, f16 or bf16: element type of the random
                          weights on disk (default f32); the runtime converts
                          them to the type the model reads
  --seed S                seed of the random weights (default 0)
  -p N                    prompt tokens of the pp test (default 512; 0: skip)
  -n N                    generated tokens of the tg test (default 128;
                          0: skip)
  -d N                    depth: prefill N tokens (untimed) before each
                          run of each test, which then runs at that context
                          ("pp512 @ d4096"; default 0)
  -r N                    repetitions of each test (default 5)
  --threads N             threads of the compiled code and of the limit
                          microbenchmarks (default: every processor)
  --limits-buffer-mib M   size of the bandwidth buffer (default: four times
                          the last-level cache, at least 256 MiB)
  --limits-only           print the machine's limits and stop
  -h, --help              show this text
)";

namespace {

using attn::tools::parseInt;

/// More threads than any machine this runs on has processors.
constexpr int64_t kMaxThreads = 1024;

bool given(const std::vector<std::string> &flags, const char *flag) {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

bool validate(const Options &options,
              const std::vector<std::string> &positional,
              const std::vector<std::string> &flags, std::string &error) {
  if (options.limitsOnly) {
    if (!positional.empty()) {
      error = "--limits-only measures the machine alone; it takes no model "
              "library, got '" +
              positional[0] + "'";
      return false;
    }
    for (const std::string &flag : flags)
      if (flag != "--limits-only" && flag != "--threads" &&
          flag != "--limits-buffer-mib") {
        error = "--limits-only measures the machine alone; it takes no " + flag;
        return false;
      }
    return true;
  }
  if (positional.empty()) {
    error = "no model library given";
    return false;
  }
  if (positional.size() > 1) {
    error = "one model library expected, got '" + positional[1] + "' too";
    return false;
  }
  if (!options.weights.empty() && options.randomWeights) {
    error = "--weights and --random-weights cannot be combined";
    return false;
  }
  if (options.weights.empty() && !options.randomWeights) {
    error = "--weights PATH or --random-weights is required to run a model";
    return false;
  }
  for (const char *flag : {"--dtype", "--seed"})
    if (!options.randomWeights && given(flags, flag)) {
      error = std::string(flag) + " only applies to --random-weights";
      return false;
    }
  if (options.promptTokens == 0 && options.generateTokens == 0) {
    error = "-p 0 and -n 0 leave nothing to measure";
    return false;
  }
  return true;
}

} // namespace

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  std::vector<std::string> positional, flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    std::string flag = arg, inlineValue;
    bool hasInlineValue = false;
    size_t equals = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && equals != std::string::npos) {
      flag = arg.substr(0, equals);
      inlineValue = arg.substr(equals + 1);
      hasInlineValue = true;
    }
    flags.push_back(flag);
    if (flag == "-h" || flag == "--help") {
      options.help = true;
      return true;
    }
    if (flag == "--random-weights" || flag == "--limits-only") {
      if (hasInlineValue) {
        error = flag + " takes no value";
        return false;
      }
      (flag == "--random-weights" ? options.randomWeights
                                  : options.limitsOnly) = true;
      continue;
    }
    static const char *const valued[] = {
        "--weights", "--dtype",   "--seed",
        "-p",        "-n",        "-d",
        "-r",        "--threads", "--limits-buffer-mib"};
    if (std::find(std::begin(valued), std::end(valued), flag) ==
        std::end(valued)) {
      error = "unknown option '" + arg + "'";
      return false;
    }
    std::string value;
    if (hasInlineValue) {
      value = inlineValue;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = flag + " needs a value";
      return false;
    }

    int64_t number = 0;
    if (flag == "--weights") {
      options.weights = value;
    } else if (flag == "--dtype") {
      std::optional<rt::DType> dtype = rt::parseDType(value);
      if (!dtype) {
        error = "--dtype: '" + value + "' is not one of f32, f16, bf16";
        return false;
      }
      options.dtype = *dtype;
    } else if (flag == "--seed") {
      if (!parseInt(flag, value, 0, number, error))
        return false;
      options.seed = uint64_t(number);
    } else if (flag == "-p") {
      if (!parseInt(flag, value, 0, options.promptTokens, error))
        return false;
    } else if (flag == "-n") {
      if (!parseInt(flag, value, 0, options.generateTokens, error))
        return false;
    } else if (flag == "-d") {
      if (!parseInt(flag, value, 0, options.depth, error))
        return false;
    } else if (flag == "-r") {
      if (!parseInt(flag, value, 1, options.repetitions, error))
        return false;
    } else if (flag == "--threads") {
      if (!parseInt(flag, value, 1, options.threads, error))
        return false;
      if (options.threads > kMaxThreads) {
        error =
            "--threads: " + value + " is above " + std::to_string(kMaxThreads);
        return false;
      }
    } else if (flag == "--limits-buffer-mib") {
      if (!parseInt(flag, value, 1, number, error))
        return false;
      if (number > (int64_t(1) << 30)) {
        error = "--limits-buffer-mib: " + value + " is above " +
                std::to_string(int64_t(1) << 30);
        return false;
      }
      options.limitsBufferBytes = number << 20;
    }
  }
  if (!validate(options, positional, flags, error))
    return false;
  if (!positional.empty())
    options.model = positional[0];
  return true;
}

} // namespace attn::bench
