# Sanitizer and fuzzer builds (docs/security.md).
#
# ATTN_SANITIZE instruments every target of the tree. scripts/test.sh makes
# two such trees beside build/ and builds only runtime-side targets in them
# (the runtime, the tokenizer, their unit tests and the fuzzers), never the
# MLIR compiler:
#   build-asan: ATTN_SANITIZE=address,undefined, ATTN_BUILD_FUZZERS=ON
#   build-tsan: ATTN_SANITIZE=thread
#
# Included after HandleLLVMOptions, whose flags these extend.

set(ATTN_SANITIZE "" CACHE STRING
    "Sanitizers for every target, as clang's -fsanitize= list: \
address,undefined or thread (empty: none)")
option(ATTN_BUILD_FUZZERS
       "Build the libFuzzer targets in fuzz/ (needs clang and ATTN_SANITIZE)"
       OFF)

if(ATTN_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ATTN_SANITIZE needs clang (CMAKE_CXX_COMPILER)")
  endif()
  message(STATUS "Sanitizers: ${ATTN_SANITIZE}")
  # Any report fails the run: a sanitizer that only prints is ignored.
  # vptr needs RTTI, which LLVM's flags turn off.
  add_compile_options(-fsanitize=${ATTN_SANITIZE} -fno-sanitize-recover=all
                      -fno-sanitize=vptr -fno-omit-frame-pointer
                      -gline-tables-only)
  add_link_options(-fsanitize=${ATTN_SANITIZE})
  # Shared objects resolve the sanitizer runtime from the executable that
  # loads them, so they may not insist that every symbol is defined.
  string(REPLACE "-Wl,-z,defs" "" CMAKE_SHARED_LINKER_FLAGS
         "${CMAKE_SHARED_LINKER_FLAGS}")
  string(REPLACE "-Wl,-z,defs" "" CMAKE_MODULE_LINKER_FLAGS
         "${CMAKE_MODULE_LINKER_FLAGS}")
endif()

if(ATTN_BUILD_FUZZERS)
  if(NOT ATTN_SANITIZE MATCHES "address")
    message(FATAL_ERROR "ATTN_BUILD_FUZZERS needs ATTN_SANITIZE=address,...")
  endif()
  # Coverage for libFuzzer in every library the fuzzers link; the fuzzer
  # executables add -fsanitize=fuzzer (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
