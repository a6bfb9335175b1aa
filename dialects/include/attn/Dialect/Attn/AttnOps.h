//===- AttnOps.h - attn dialect ops -----------------------------*- C++ -*-===//
#ifndef ATTN_DIALECT_ATTN_ATTNOPS_H
#define ATTN_DIALECT_ATTN_ATTNOPS_H

#include "attn/Dialect/Attn/AttnDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_ATTRDEF_CLASSES
#include "attn/Dialect/Attn/AttnAttrs.h.inc"

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/AttnOps.h.inc"

#endif // ATTN_DIALECT_ATTN_ATTNOPS_H
