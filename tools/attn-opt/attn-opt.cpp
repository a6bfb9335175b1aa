//===- attn-opt.cpp - The mlir-opt of the attn project --------------------===//
//
// Parses, verifies, transforms and prints IR that mixes the attn dialect with
// the upstream ones. lit tests drive every pass through it.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::attn::registerAllDialects(registry);
  mlir::attn::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "attn optimizer driver\n", registry));
}
