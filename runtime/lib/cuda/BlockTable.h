//===- BlockTable.h - Where each host buffer came from ----------*- C++ -*-===//
//
// What `_mlir_memref_to_llvm_free` needs to know of a buffer (where it came
// from, and a managed block's size class) is kept on the host, apart from
// the buffer: reading it from the buffer itself would migrate a managed page
// that the kernels last touched back to the host at every free. A plain
// open-addressing hash table, without the C++ library, like the rest of the
// wrappers; its owner locks it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_BLOCKTABLE_H
#define ATTN_RUNTIME_CUDA_BLOCKTABLE_H

#include <stddef.h>
#include <stdint.h>

namespace attn {
namespace cuda {

/// Where a buffer's memory came from.
enum class BlockKind : uint8_t { Managed, Heap };

struct BlockInfo {
  BlockKind kind;
  /// The size class a managed block is cached under; 0 for a heap block.
  size_t blockBytes;
};

/// A map from a buffer's address to its BlockInfo. Constant-initialised and
/// trivially destructible, so that a library holding one needs no
/// constructor and has no destructor that could run while it is in use.
class BlockTable {
public:
  constexpr BlockTable() = default;

  /// Records `info` under `address`, which must not be 0; false when the
  /// table cannot grow.
  bool insert(uintptr_t address, BlockInfo info);
  /// Moves `address`'s entry out into `info`; false when there is none.
  bool erase(uintptr_t address, BlockInfo &info);
  size_t size() const { return count; }
  /// Frees the table's storage, forgetting its entries.
  void reset();

private:
  /// An empty slot has address 0.
  struct Slot {
    uintptr_t address;
    BlockInfo info;
  };

  size_t home(uintptr_t address) const;
  bool grow();

  Slot *slots = nullptr;
  /// A power of two, at least twice `count`, or 0.
  size_t capacity = 0;
  size_t count = 0;
};

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_BLOCKTABLE_H
