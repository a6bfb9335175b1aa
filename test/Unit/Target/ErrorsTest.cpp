//===- ErrorsTest.cpp - The CPU backend's errors --------------------------===//

#include "CompiledLibrary.h"

#include "gtest/gtest.h"

using namespace attn_test;

namespace {

const char *kTrivial = R"mlir(
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    %r = attn.add %x, %x : tensor<4xf32>
    return %r : tensor<4xf32>
  })mlir";

TEST(CPUTargetErrors, UnknownCPU) {
  mlir::attn::CPUTargetOptions options;
  options.cpu = "not-a-cpu";
  std::string error;
  EXPECT_FALSE(CompiledLibrary::compile(kTrivial, options, error));
  EXPECT_NE(error.find("unknown CPU 'not-a-cpu' for --mcpu"), std::string::npos)
      << error;
}

TEST(CPUTargetErrors, LinkerNotFound) {
  mlir::attn::CPUTargetOptions options;
  options.linkerPath = "/nonexistent/ld.lld";
  std::string error;
  EXPECT_FALSE(CompiledLibrary::compile(kTrivial, options, error));
  EXPECT_NE(error.find("the linker '/nonexistent/ld.lld' does not exist"),
            std::string::npos)
      << error;
}

TEST(CPUTargetErrors, LinkerFails) {
  mlir::attn::CPUTargetOptions options;
  options.linkerPath = "/bin/false";
  std::string error;
  EXPECT_FALSE(CompiledLibrary::compile(kTrivial, options, error));
  EXPECT_NE(error.find("with /bin/false failed"), std::string::npos) << error;
}

#if defined(__x86_64__)
TEST(CPUTargetErrors, NamedCPUCompiles) {
  mlir::attn::CPUTargetOptions options;
  options.cpu = "x86-64";
  std::string error;
  EXPECT_TRUE(CompiledLibrary::compile(kTrivial, options, error)) << error;
}
#endif

} // namespace
