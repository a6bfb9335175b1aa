//===- Registration.cpp - What attn tools register ------------------------===//

#include "attn/Compiler/Registration.h"

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/AttnDialect.h"
#include "attn/GPU/CUDAPipeline.h"
#include "attn/GPU/CUDATarget.h"
#include "attn/GPU/Passes.h"
#include "attn/Pipelines/CPUPipeline.h"
#include "attn/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void mlir::attn::registerAllDialects(DialectRegistry &registry) {
  registry.insert<AttnDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerCUDATranslations(registry);
}

void mlir::attn::registerAllPasses() {
  mlir::registerAllPasses();
  registerAttnConversionPasses();
  registerAttnTransformsPasses();
  registerCPUPipeline();
  registerAttnGPUPasses();
  registerCUDAPipeline();
}
