//===- attnc.cpp - The attnc compiler ------------------------------------===//
//
// Compiles a Hugging Face config.json into an attn graph, a manifest or (as
// the backends land) a model library. The logic lives in attn/Driver.
//
//===----------------------------------------------------------------------===//

#include "attn/Driver/Driver.h"

int main(int argc, char **argv) { return mlir::attn::attncMain(argc, argv); }
