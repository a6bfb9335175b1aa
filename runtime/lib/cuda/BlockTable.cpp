//===- BlockTable.cpp - The host's record of the buffers it handed out ----===//
//
// Linear probing, with deletion by shifting later entries back (no
// tombstones, so a table that sees millions of allocations and frees stays
// as short to probe as its live entries make it). Addresses are aligned to
// 64 bytes or more, so their low bits say nothing: the slot comes from the
// high bits of a Fibonacci hash.
//
//===----------------------------------------------------------------------===//

#include "BlockTable.h"

#include <stdlib.h>

using namespace attn::cuda;

namespace {
constexpr size_t kInitialCapacity = 64;
} // namespace

size_t BlockTable::home(uintptr_t address) const {
  uint64_t hash = uint64_t(address) * 0x9e3779b97f4a7c15ull;
  return size_t(hash >> (64 - __builtin_ctzll(capacity)));
}

bool BlockTable::grow() {
  size_t grown = capacity ? 2 * capacity : kInitialCapacity;
  auto *more = static_cast<Slot *>(calloc(grown, sizeof(Slot)));
  if (!more)
    return false;
  Slot *old = slots;
  size_t oldCapacity = capacity;
  slots = more;
  capacity = grown;
  for (size_t i = 0; i < oldCapacity; ++i) {
    if (!old[i].address)
      continue;
    size_t j = home(old[i].address);
    while (slots[j].address)
      j = (j + 1) & (capacity - 1);
    slots[j] = old[i];
  }
  free(old);
  return true;
}

bool BlockTable::insert(uintptr_t address, BlockInfo info) {
  if (2 * (count + 1) > capacity && !grow())
    return false;
  size_t i = home(address);
  while (slots[i].address && slots[i].address != address)
    i = (i + 1) & (capacity - 1);
  if (!slots[i].address)
    ++count;
  slots[i] = {address, info};
  return true;
}

bool BlockTable::erase(uintptr_t address, BlockInfo &info) {
  if (!capacity || !address)
    return false;
  size_t mask = capacity - 1;
  size_t hole = home(address);
  while (slots[hole].address != address) {
    if (!slots[hole].address)
      return false;
    hole = (hole + 1) & mask;
  }
  info = slots[hole].info;
  --count;
  // Entries after the hole that probed past it move into it, so that no
  // probe meets an empty slot before its entry.
  for (size_t next = (hole + 1) & mask; slots[next].address;
       next = (next + 1) & mask) {
    size_t wanted = home(slots[next].address);
    bool wantedInHoleToNext = hole <= next ? hole < wanted && wanted <= next
                                           : hole < wanted || wanted <= next;
    if (wantedInHoleToNext)
      continue;
    slots[hole] = slots[next];
    hole = next;
  }
  slots[hole].address = 0;
  return true;
}

void BlockTable::reset() {
  free(slots);
  slots = nullptr;
  capacity = count = 0;
}
