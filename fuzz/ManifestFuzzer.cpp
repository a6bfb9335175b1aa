//===- ManifestFuzzer.cpp - Text as a model library's manifest ------------===//
//
// A manifest comes from a compiled library, which the runtime trusts as code
// (docs/security.md); it is still parsed as untrusted text, since a library
// built by another attnc, or a broken one, must give an error and not a
// crash. Any text either parses into sizes inside the runtime's limits, whose
// weight table expands without overflow, or gives an error naming the origin.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "attn/Runtime/Manifest.h"

using namespace attn::rt;
using attn::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  Manifest manifest;
  Status status = parseManifest(text, "model.so", manifest);
  if (!status.ok()) {
    check(attn::fuzz::startsWith(status.message(), "model.so: "),
          "an error starts with the library path", status.message());
    check(status.code() == ATTN_ERROR_MANIFEST ||
              status.code() == ATTN_ERROR_ABI_VERSION,
          "a manifest error has a manifest status", status.message());
    return 0;
  }
  check(manifest.numLayers >= 1 && manifest.vocabSize >= 1 &&
            manifest.hiddenSize >= 1 && manifest.numKVHeads >= 1 &&
            manifest.headDim >= 1,
        "an accepted manifest has positive sizes");
  // Expanding per-layer entries is the one step whose size the manifest
  // picks; keep absurd but accepted layer counts from swamping the fuzzer.
  size_t expected = 0;
  for (const ManifestWeight &weight : manifest.weights)
    expected += weight.perLayer ? size_t(manifest.numLayers) : 1;
  if (expected > (1u << 16))
    return 0;
  std::vector<WeightSlot> slots = manifest.slots();
  check(slots.size() == expected,
        "the weight table has one slot per weight and layer",
        std::to_string(slots.size()) + " slots, expected " +
            std::to_string(expected));
  for (const WeightSlot &slot : slots)
    check(slot.name.find("{layer}") == std::string::npos,
          "expanded slot names hold no {layer}", slot.name);
  return 0;
}
