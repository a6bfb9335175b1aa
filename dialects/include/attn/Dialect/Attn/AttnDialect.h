//===- AttnDialect.h - The attn dialect -------------------------*- C++ -*-===//
#ifndef ATTN_DIALECT_ATTN_ATTNDIALECT_H
#define ATTN_DIALECT_ATTN_ATTNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "attn/Dialect/Attn/AttnOpsDialect.h.inc"

#include "attn/Dialect/Attn/AttnEnums.h.inc"

#endif // ATTN_DIALECT_ATTN_ATTNDIALECT_H
