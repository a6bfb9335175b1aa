# -*- Python -*-
# lit configuration of the GoogleTest unit tests: every test case of every
# *Tests binary under the build's test/Unit directory is one lit test.

import os

import lit.formats

config.name = "attn-unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.attn_obj_root, "test", "Unit")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")

# Tests that read the real tokenizers and configs find them here.
config.environment["ATTN_SHARED_DIR"] = config.attn_shared_dir
config.environment["ATTN_SRC_ROOT"] = config.attn_src_root
