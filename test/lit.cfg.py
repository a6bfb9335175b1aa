# -*- Python -*-
# lit configuration of the attn IR and tool tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "attn"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".json"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test")

# Unit/ (GoogleTest format) and Fuzz/ (fuzzers, only in a sanitizer tree)
# have their own configurations; Inputs/ hold data.
config.excludes = ["Inputs", "Unit", "Fuzz", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%attn_src_root", config.attn_src_root))
config.substitutions.append(("%attn_obj_root", config.attn_obj_root))
config.substitutions.append(("%attn_tools_dir", config.attn_tools_dir))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.attn_tools_dir, append_path=True)

tool_dirs = [config.attn_tools_dir, config.llvm_tools_dir]
tools = ["attn-opt", "attnc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The real tokenizers in ../shared/tokenizers: tests that read them say
# `REQUIRES: shared-tokenizers` and are reported UNSUPPORTED where absent.
config.environment["ATTN_SHARED_DIR"] = config.attn_shared_dir
config.substitutions.append(("%attn_shared_dir", config.attn_shared_dir))
if all(os.path.isfile(os.path.join(config.attn_shared_dir, "tokenizers",
                                   family, "tokenizer.json"))
       for family in ("llama-2", "llama-3")):
    config.available_features.add("shared-tokenizers")
