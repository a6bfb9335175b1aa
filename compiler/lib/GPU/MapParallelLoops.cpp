//===- MapParallelLoops.cpp - The --attn-gpu-map-parallel-loops pass ------===//
//
// The simplest mapping that is correct for every loop nest the linalg
// lowering produces: all parallel dimensions of a nest are linearised into
// one index space that a one-dimensional grid covers, one iteration per
// thread. Reductions stay sequential inside each thread.
//
//===----------------------------------------------------------------------===//

#include "attn/GPU/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_MAPPARALLELLOOPSPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// Whether `op` is an outermost parallel loop on the host.
static bool isOutermostHostLoop(scf::ParallelOp op) {
  return !op->getParentOfType<scf::ParallelOp>() &&
         !op->getParentOfType<gpu::LaunchOp>() &&
         !op->getParentOfType<gpu::GPUModuleOp>();
}

/// Replaces `loop` by a launch with one thread per iteration.
static void mapToLaunch(scf::ParallelOp loop, int64_t blockSize) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value zero = constant(0), one = constant(1);

  // Iterations per dimension, ceil((ub - lb) / step) clamped at zero.
  SmallVector<Value> counts;
  Value total = one;
  for (auto [lower, upper, step] : llvm::zip_equal(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    Value span = arith::SubIOp::create(b, loc, upper, lower);
    Value count = arith::CeilDivSIOp::create(b, loc, span, step);
    count = arith::MaxSIOp::create(b, loc, count, zero);
    counts.push_back(count);
    total = arith::MulIOp::create(b, loc, total, count);
  }
  Value threads = constant(blockSize);
  Value blocks = arith::CeilDivUIOp::create(b, loc, total, threads);
  // A launch of zero blocks is an error in CUDA; an empty nest launches one
  // block whose threads all fail the bounds check.
  blocks = arith::MaxUIOp::create(b, loc, blocks, one);

  auto launch =
      gpu::LaunchOp::create(b, loc, blocks, one, one, threads, one, one);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value id = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            launch.getBlockSizeX()),
      launch.getThreadIds().x);
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id, total);
  auto guard = scf::IfOp::create(b, loc, inRange, /*withElseRegion=*/false);
  gpu::TerminatorOp::create(b, loc);

  // The innermost dimension varies fastest, so that consecutive threads
  // touch consecutive elements of a row-major buffer.
  b.setInsertionPoint(guard.thenBlock()->getTerminator());
  IRMapping mapping;
  Value rest = id;
  for (int64_t i = loop.getNumLoops() - 1; i >= 0; --i) {
    Value index =
        i == 0 ? rest
               : arith::RemUIOp::create(b, loc, rest, counts[i]).getResult();
    if (i > 0)
      rest = arith::DivUIOp::create(b, loc, rest, counts[i]);
    Value scaled = arith::MulIOp::create(b, loc, index, loop.getStep()[i]);
    mapping.map(loop.getInductionVars()[i],
                arith::AddIOp::create(b, loc, loop.getLowerBound()[i], scaled)
                    .getResult());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, mapping);
  loop.erase();
}

namespace {

struct MapParallelLoopsPass
    : mlir::attn::impl::MapParallelLoopsPassBase<MapParallelLoopsPass> {
  using MapParallelLoopsPassBase::MapParallelLoopsPassBase;

  void runOnOperation() override {
    if (blockSize < 1 || blockSize > 1024) {
      getOperation()->emitError()
          << "attn-gpu-map-parallel-loops: block-size is "
          << blockSize.getValue() << "; expected 1 to 1024 threads";
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (isOutermostHostLoop(loop))
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops) {
      // linalg's lowering never produces these; a reduction across threads
      // would need a tree or atomics.
      if (loop.getNumResults() != 0) {
        loop.emitError("attn-gpu-map-parallel-loops: parallel loops with "
                       "reductions are not supported");
        return signalPassFailure();
      }
      mapToLaunch(loop, blockSize);
    }
  }
};

} // namespace
