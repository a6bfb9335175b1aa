# -*- Python -*-
# lit configuration of the fuzz tests: short runs of each libFuzzer target
# over its seed corpus, and the inputs that once crashed one. Only a tree
# configured with ATTN_BUILD_FUZZERS has the targets (cmake/Sanitizers.cmake);
# scripts/test.sh runs this suite in build-asan.

import os

import lit.formats

config.name = "attn-fuzz"
config.test_format = lit.formats.ShTest()
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test", "Fuzz")
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]

config.environment["PATH"] = os.pathsep.join(
    [config.attn_tools_dir, config.llvm_tools_dir, config.environment["PATH"]])
config.substitutions.append(("%corpus", os.path.join(config.attn_src_root,
                                                     "fuzz", "corpus")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root,
                                                     "Inputs")))

# Leaks count as findings; a report is symbolised and fails the run.
config.environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
config.environment["ASAN_SYMBOLIZER_PATH"] = os.path.join(
    config.llvm_tools_dir, "llvm-symbolizer")
