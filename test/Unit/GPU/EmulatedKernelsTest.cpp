//===- EmulatedKernelsTest.cpp - The CUDA kernels' numerics, on the CPU ---===//
//
// The CUDA backend's kernels (tensor-core FlashAttention, flash-decoding,
// RMSNorm, the GEMV and the tensor-core matmul) compiled by the CUDA
// pipeline and run by the SIMT emulator of EmulatorLaunch.h through the
// host code attnc emits, against a double-precision reference.
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"
#include "EmulatorFunction.h"

#include "attn/Runtime/DType.h"

#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>
#include <random>
#include <sys/mman.h>
#include <unistd.h>

using namespace attn_emu;

namespace {

/// Names the likely cause before the process dies of a fault: the current
/// test is printed above it.
void reportFault(int signal, siginfo_t *info, void *) {
  char message[200];
  int length = std::snprintf(
      message, sizeof(message),
      "\nfault at address %p: a kernel read or wrote past the end of an "
      "operand (see GuardedBuffer), through a wild pointer, or overflowed "
      "a thread's stack\n",
      info->si_addr);
  if (length > 0)
    (void)!write(2, message, std::min<size_t>(length, sizeof(message) - 1));
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

[[maybe_unused]] const bool faultReporterInstalled = [] {
  struct sigaction action = {};
  action.sa_sigaction = reportFault;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &action, nullptr);
  return true;
}();

/// A copy of `values` in host memory that ends where an inaccessible page
/// begins, so that a kernel reading or writing past its end (a partial tile
/// whose mask is wrong) faults rather than reading its neighbour.
template <typename T> class GuardedBuffer {
public:
  explicit GuardedBuffer(const std::vector<T> &values) : count(values.size()) {
    size_t page = sysconf(_SC_PAGESIZE), bytes = count * sizeof(T);
    mappedBytes = (bytes + page - 1) / page * page + page;
    void *mapped = mmap(nullptr, mappedBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED)
      return;
    base = static_cast<char *>(mapped);
    mprotect(base + mappedBytes - page, page, PROT_NONE);
    start = reinterpret_cast<T *>(base + mappedBytes - page - bytes);
    std::copy(values.begin(), values.end(), start);
  }
  GuardedBuffer(const GuardedBuffer &) = delete;
  GuardedBuffer &operator=(const GuardedBuffer &) = delete;
  ~GuardedBuffer() {
    if (base)
      munmap(base, mappedBytes);
  }

  /// Null if the mapping failed.
  T *data() const { return start; }
  std::vector<T> values() const { return std::vector<T>(start, start + count); }

private:
  size_t count, mappedBytes = 0;
  char *base = nullptr;
  T *start = nullptr;
};

template <typename T> GuardedBuffer(const std::vector<T> &) -> GuardedBuffer<T>;

//===----------------------------------------------------------------------===//
// attn.attention through the CUDA backend
//===----------------------------------------------------------------------===//

struct AttentionShape {
  int heads, kvHeads, headDim;
  bool causal;
  /// 0: none.
  int window;
  /// The CUDA pipeline's decode-max-rows: 0 puts every query on the
  /// tensor-core kernel, a large one every query on flash-decoding.
  int decodeMaxRows;
  /// The tensor cores' operand type (mma-type): f16 rather than bf16.
  bool f16 = false;
  /// A fused rotation of the queries (attn.attention's `rope`, theta 1e4),
  /// at the queries' positions.
  bool rope = false;

  std::string pipelineOptions() const {
    return "decode-max-rows=" + std::to_string(decodeMaxRows) +
           (f16 ? " mma-type=f16" : "");
  }

  std::string key() const {
    return std::to_string(heads) + "/" + std::to_string(kvHeads) + "x" +
           std::to_string(headDim) + (causal ? " causal" : "") + " window " +
           std::to_string(window) + " " + pipelineOptions() +
           (rope ? " rope" : "");
  }
};

/// attn-bench's lone attention on caller-owned buffers (see
/// tools/attn-bench/AttentionSource.cpp), with the mask of `shape`.
std::string attentionSource(const AttentionShape &shape) {
  std::string d = std::to_string(shape.headDim);
  std::string q = "<?x" + std::to_string(shape.heads) + "x" + d + "xf32>";
  std::string kv = "<?x" + std::to_string(shape.kvHeads) + "x" + d + "xf32>";
  char scale[64];
  std::snprintf(scale, sizeof(scale), "%.17g",
                1 / std::sqrt(double(shape.headDim)));
  std::string attributes = "scale = " + std::string(scale) + " : f64";
  if (shape.causal)
    attributes += ", causal";
  if (shape.window)
    attributes +=
        ", sliding_window = " + std::to_string(shape.window) + " : i64";
  // The queries' rotation starts at the first query's position.
  std::string rotation, offset;
  if (shape.rope) {
    attributes +=
        ", rope = {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling none>}";
    rotation = " rope(%offset)";
    offset = "  %c0 = arith.constant 0 : index\n"
             "  %rows = tensor.dim %q, %c0 : tensor" +
             q + "\n  %keys = tensor.dim %k, %c0 : tensor" + kv +
             "\n  %offset = arith.subi %keys, %rows : index\n";
  }
  auto toTensor = [](const char *name, const std::string &type) {
    return std::string("  %") + name + " = bufferization.to_tensor %" + name +
           "m restrict : memref" + type + " to tensor" + type + "\n";
  };
  return "func.func @attention(%qm: memref" + q + ", %km: memref" + kv +
         ", %vm: memref" + kv + ", %om: memref" + q +
         ") -> i32 attributes {llvm.emit_c_interface} {\n" + toTensor("q", q) +
         toTensor("k", kv) + toTensor("v", kv) + offset +
         "  %o = attn.attention %q, %k, %v" + rotation + " {" + attributes +
         "} : tensor" + q + ", tensor" + kv + ", tensor" + kv + " -> tensor" +
         q + "\n" +
         "  bufferization.materialize_in_destination %o in restrict writable "
         "%om : (tensor" +
         q + ", memref" + q +
         ") -> ()\n"
         "  %status = func.call @attn_cuda_take_error() : () -> i32\n"
         "  return %status : i32\n}\n"
         "func.func private @attn_cuda_take_error() -> i32\n";
}

/// A rank-3 f32 memref as the C interface passes it.
struct Memref3 {
  float *allocated, *aligned;
  int64_t offset, sizes[3], strides[3];
};

Memref3 view(const GuardedBuffer<float> &data, int64_t rows, int64_t heads,
             int64_t headDim) {
  return {data.data(),
          data.data(),
          0,
          {rows, heads, headDim},
          {heads * headDim, headDim, 1}};
}

using AttentionFn = int32_t (*)(Memref3 *, Memref3 *, Memref3 *, Memref3 *);

/// The attention of `shape`, compiled once for all the tests that use it.
const EmulatedFunction *compiledAttention(const AttentionShape &shape,
                                          std::string &error) {
  static std::map<std::string, std::unique_ptr<EmulatedFunction>> cache;
  std::unique_ptr<EmulatedFunction> &entry = cache[shape.key()];
  if (!entry) {
    auto function = std::make_unique<EmulatedFunction>();
    if (!function->compile(attentionSource(shape), "attention",
                           shape.pipelineOptions(), error))
      return nullptr;
    entry = std::move(function);
  }
  return entry.get();
}

/// Softmax attention of row `s`, head `h` in double (the formula of
/// attn.attention's description).
std::vector<double> referenceRow(const AttentionShape &shape, int64_t seq,
                                 int64_t kvSeq, const std::vector<float> &q,
                                 const std::vector<float> &k,
                                 const std::vector<float> &v, int64_t s,
                                 int64_t h) {
  int64_t d = shape.headDim, g = h / (shape.heads / shape.kvHeads);
  int64_t position = kvSeq - seq + s;
  double scale = 1 / std::sqrt(double(d));
  // The query row, rotated as attn.rope rotates it: x * cos +
  // rotate_half(x) * sin, angle position * theta^(-2i / d).
  std::vector<double> query(q.begin() + (s * shape.heads + h) * d,
                            q.begin() + (s * shape.heads + h + 1) * d);
  if (shape.rope) {
    std::vector<double> rotated(d);
    for (int64_t i = 0; i < d; ++i) {
      int64_t pair = i % (d / 2);
      double angle = position * std::pow(1.0e4, -2.0 * pair / d);
      double partner = i < d / 2 ? -query[i + d / 2] : query[i - d / 2];
      rotated[i] = query[i] * std::cos(angle) + partner * std::sin(angle);
    }
    query = rotated;
  }
  std::vector<double> scores;
  std::vector<int64_t> keys;
  double best = -INFINITY;
  for (int64_t t = 0; t < kvSeq; ++t) {
    if (shape.causal && t > position)
      continue;
    if (shape.window && position - t >= shape.window)
      continue;
    double dot = 0;
    for (int64_t i = 0; i < d; ++i)
      dot += query[i] * k[(t * shape.kvHeads + g) * d + i];
    scores.push_back(scale * dot);
    keys.push_back(t);
    best = std::max(best, scale * dot);
  }
  std::vector<double> out(d, 0);
  double sum = 0;
  for (size_t j = 0; j < keys.size(); ++j) {
    double p = std::exp(scores[j] - best);
    sum += p;
    for (int64_t i = 0; i < d; ++i)
      out[i] += p * v[(keys[j] * shape.kvHeads + g) * d + i];
  }
  for (double &x : out)
    x /= sum;
  return out;
}

struct AttentionCase {
  AttentionShape shape;
  int64_t seq, kvSeq;
};

std::string caseName(const testing::TestParamInfo<AttentionCase> &info) {
  const AttentionCase &c = info.param;
  const AttentionShape &s = c.shape;
  return std::string(s.decodeMaxRows ? "Decode" : "TensorCore") + "_H" +
         std::to_string(s.heads) + "KV" + std::to_string(s.kvHeads) + "D" +
         std::to_string(s.headDim) + (s.causal ? "Causal" : "Full") +
         (s.window ? "Window" + std::to_string(s.window) : "") +
         (s.f16 ? "F16" : "") + (s.rope ? "Rope" : "") + "_Seq" +
         std::to_string(c.seq) + "KV" + std::to_string(c.kvSeq);
}

void PrintTo(const AttentionCase &c, std::ostream *os) {
  *os << c.shape.key() << ", seq " << c.seq << ", kv_seq " << c.kvSeq;
}

class EmulatedAttentionTest : public testing::TestWithParam<AttentionCase> {};

/// bf16 operands carry 8 significant bits, a relative rounding error of at
/// most 2^-9 ~ 2e-3 each: q and k (scores of size O(1) for inputs in
/// [-1, 1] and scale 1/sqrt(D), their error a few 1e-3 and the same,
/// relative, after exp), and P and v in P.v. Summed, some 1e-2 of the
/// largest output of a row in the worst row; a fragment in the wrong place
/// is wrong by O(1).
constexpr double kTolerance = 2e-2;

TEST_P(EmulatedAttentionTest, MatchesReference) {
  const AttentionCase &c = GetParam();
  const AttentionShape &shape = c.shape;
  std::string error;
  const EmulatedFunction *function = compiledAttention(shape, error);
  ASSERT_TRUE(function) << error;

  std::mt19937 random(1234 + c.seq * 7 + c.kvSeq);
  std::uniform_real_distribution<float> uniform(-1, 1);
  int64_t d = shape.headDim;
  std::vector<float> q(c.seq * shape.heads * d), k(c.kvSeq * shape.kvHeads * d),
      v(k.size()), out(q.size(), NAN);
  for (std::vector<float> *buffer : {&q, &k, &v})
    for (float &x : *buffer)
      x = uniform(random);
  GuardedBuffer qg(q), kg(k), vg(v), og(out);
  ASSERT_TRUE(qg.data() && kg.data() && vg.data() && og.data());
  Memref3 qm = view(qg, c.seq, shape.heads, d),
          km = view(kg, c.kvSeq, shape.kvHeads, d),
          vm = view(vg, c.kvSeq, shape.kvHeads, d),
          om = view(og, c.seq, shape.heads, d);
  takeLaunchLog();
  int32_t status = function->get<AttentionFn>()(&qm, &km, &vm, &om);
  LaunchLog log = takeLaunchLog();
  out = og.values();
  ASSERT_EQ(log.firstError, "");
  ASSERT_EQ(status, 0);
  ASSERT_GT(log.launches, 0) << "no kernel ran";
  // Flash-decoding is plain f32 arithmetic; the other kernel runs on
  // tensor cores.
  if (shape.decodeMaxRows)
    EXPECT_EQ(log.warpMmas, 0);
  else
    EXPECT_GT(log.warpMmas, 0);

  int failures = 0;
  for (int64_t s = 0; s < c.seq; ++s)
    for (int64_t h = 0; h < shape.heads; ++h) {
      std::vector<double> ref =
          referenceRow(shape, c.seq, c.kvSeq, q, k, v, s, h);
      double largest = 0, worst = 0;
      int64_t worstAt = 0;
      for (int64_t i = 0; i < d; ++i) {
        largest = std::max(largest, std::abs(ref[i]));
        double got = out[(s * shape.heads + h) * d + i];
        double diff = std::isnan(got) ? INFINITY : std::abs(got - ref[i]);
        if (diff > worst) {
          worst = diff;
          worstAt = i;
        }
      }
      if (worst > kTolerance * largest && failures++ < 5)
        ADD_FAILURE() << "row " << s << " head " << h << ": element " << worstAt
                      << " is " << out[(s * shape.heads + h) * d + worstAt]
                      << ", the reference " << ref[worstAt]
                      << " (row max |ref| " << largest << ")";
    }
  EXPECT_EQ(failures, 0) << "rows out of tolerance";
}

/// Both kernels (decode-max-rows 0: tensor cores for every query; a large
/// one: flash-decoding for every query), queries within one tile, across
/// tiles and past a tile boundary by one, without and with a cache of 300
/// earlier keys (several 256-key decode chunks).
std::vector<AttentionCase> causalCases() {
  std::vector<AttentionCase> cases;
  for (int decode : {0, 1 << 20})
    for (int headDim : {64, 128})
      for (int64_t seq : {1, 3, 17, 64, 65, 130})
        for (int64_t past : {0, 300})
          cases.push_back({{4, 2, headDim, true, 0, decode}, seq, seq + past});
  return cases;
}

/// The masks other than causal, the head size of layers-2.json (hidden 64
/// over 4 heads), and f16 tensor cores, on fewer lengths.
std::vector<AttentionCase> maskCases() {
  std::vector<AttentionCase> cases;
  for (int decode : {0, 1 << 20})
    for (AttentionShape shape : {AttentionShape{4, 2, 64, true, 40, decode},
                                 AttentionShape{4, 2, 64, false, 0, decode},
                                 AttentionShape{4, 2, 16, true, 0, decode}})
      for (int64_t seq : {1, 17, 65})
        for (int64_t past : {0, 300})
          cases.push_back({shape, seq, seq + past});
  // Queries rotated as the kernels load them.
  for (int decode : {0, 1 << 20})
    for (int64_t seq : {1, 17, 65})
      for (int64_t past : {0, 300}) {
        AttentionShape shape{4, 2, 64, true, 0, decode};
        shape.rope = true;
        cases.push_back({shape, seq, seq + past});
      }
  // Flash-decoding has no tensor cores to give f16.
  for (int64_t seq : {1, 17, 65})
    for (int64_t past : {0, 300})
      cases.push_back({{4, 2, 64, true, 0, /*decodeMaxRows=*/0, /*f16=*/true},
                       seq,
                       seq + past});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Causal, EmulatedAttentionTest,
                         testing::ValuesIn(causalCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Masks, EmulatedAttentionTest,
                         testing::ValuesIn(maskCases()), caseName);

//===----------------------------------------------------------------------===//
// attn.rms_norm and attn.linear through the CUDA backend
//===----------------------------------------------------------------------===//

constexpr int64_t kOut = 192;

/// y = linear(rms_norm(x, nw), w): the RMSNorm kernel, then the GEMV (up
/// to gemv-max-rows = 4 rows) or the tensor-core matmul. IN is the depth k,
/// WEIGHT the weight's element type.
const char *kNormLinearSource = R"mlir(
func.func @norm_linear(%xm: memref<?xINxf32>, %nwm: memref<INxf32>,
                       %wm: memref<192xINxWEIGHT>, %ym: memref<?x192xf32>)
    -> i32 attributes {llvm.emit_c_interface} {
  %x = bufferization.to_tensor %xm restrict : memref<?xINxf32> to tensor<?xINxf32>
  %nw = bufferization.to_tensor %nwm restrict : memref<INxf32> to tensor<INxf32>
  %w = bufferization.to_tensor %wm restrict : memref<192xINxWEIGHT> to tensor<192xINxWEIGHT>
  %n = attn.rms_norm %x, %nw {epsilon = 1.0e-05 : f64} : tensor<?xINxf32>, tensor<INxf32>
  %y = attn.linear %n, %w : (tensor<?xINxf32>, tensor<192xINxWEIGHT>) -> tensor<?x192xf32>
  bufferization.materialize_in_destination %y in restrict writable %ym : (tensor<?x192xf32>, memref<?x192xf32>) -> ()
  %status = func.call @attn_cuda_take_error() : () -> i32
  return %status : i32
}
func.func private @attn_cuda_take_error() -> i32
)mlir";

struct Memref1 {
  float *allocated, *aligned;
  int64_t offset, size, stride;
};
struct Memref2 {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};

template <typename T>
Memref2 view(const GuardedBuffer<T> &data, int64_t rows, int64_t columns) {
  return {data.data(), data.data(), 0, {rows, columns}, {columns, 1}};
}

using NormLinearFn = int32_t (*)(Memref2 *, Memref1 *, Memref2 *, Memref2 *);

/// The rows of x, the depth k, whether the weight is bf16 (as
/// --attn-narrow-weights stores it) rather than f32, and whether more than
/// 4 rows take sm_90a's warpgroup-MMA kernel rather than the mma.sync one.
using NormLinearCase = std::tuple<int64_t, int64_t, bool, bool>;
class EmulatedNormLinearTest : public testing::TestWithParam<NormLinearCase> {};

/// `text` with every `from` replaced by `to`.
std::string replaceAll(std::string text, const std::string &from,
                       const std::string &to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos;
       at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

/// The norm-linear function of depth `in` with an f32 or a bf16 weight and
/// either tensor-core kernel, compiled once for every row count; removed at
/// exit.
EmulatedFunction *normLinearFunction(int64_t in, bool bf16Weight, bool wgmma) {
  static std::map<std::tuple<int64_t, bool, bool>,
                  std::unique_ptr<EmulatedFunction>>
      compiled;
  std::unique_ptr<EmulatedFunction> &function =
      compiled[{in, bf16Weight, wgmma}];
  if (!function) {
    std::string source = replaceAll(
        replaceAll(kNormLinearSource, "WEIGHT", bf16Weight ? "bf16" : "f32"),
        "IN", std::to_string(in));
    function = std::make_unique<EmulatedFunction>();
    std::string error;
    if (!function->compile(source, "norm_linear",
                           wgmma ? "wgmma=true" : "wgmma=false", error)) {
      ADD_FAILURE() << error;
      function.reset();
    }
  }
  return function.get();
}

TEST_P(EmulatedNormLinearTest, MatchesReference) {
  auto [rows, kIn, bf16Weight, wgmma] = GetParam();
  EmulatedFunction *function = normLinearFunction(kIn, bf16Weight, wgmma);
  ASSERT_TRUE(function);

  std::mt19937 random(99 + rows);
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> x(rows * kIn), nw(kIn), w(kOut * kIn), y(rows * kOut, NAN);
  for (std::vector<float> *buffer : {&x, &nw, &w})
    for (float &value : *buffer)
      value = uniform(random);
  // A bf16 weight holds w rounded; the reference multiplies by that.
  std::vector<uint16_t> wBits(w.size());
  if (bf16Weight)
    for (size_t i = 0; i < w.size(); ++i)
      w[i] =
          attn::rt::bfloat16ToFloat(wBits[i] = attn::rt::floatToBFloat16(w[i]));
  GuardedBuffer xg(x), nwg(nw), yg(y);
  GuardedBuffer wg(w);
  GuardedBuffer wBitsg(wBits);
  ASSERT_TRUE(xg.data() && nwg.data() && wg.data() && wBitsg.data() &&
              yg.data());
  Memref2 xm = view(xg, rows, kIn),
          wm = bf16Weight ? view(wBitsg, kOut, kIn) : view(wg, kOut, kIn),
          ym = view(yg, rows, kOut);
  Memref1 nwm = {nwg.data(), nwg.data(), 0, kIn, 1};
  takeLaunchLog();
  int32_t status = function->get<NormLinearFn>()(&xm, &nwm, &wm, &ym);
  LaunchLog log = takeLaunchLog();
  y = yg.values();
  ASSERT_EQ(log.firstError, "");
  ASSERT_EQ(status, 0);
  ASSERT_GT(log.launches, 0) << "no kernel ran";
  if (rows <= 4) {
    EXPECT_EQ(log.warpMmas + log.warpgroupMmas, 0)
        << "the GEMV's rows on tensor cores";
  } else {
    EXPECT_GT(wgmma ? log.warpgroupMmas : log.warpMmas, 0)
        << "the tensor-core matmul did not run";
    EXPECT_EQ(wgmma ? log.warpMmas : log.warpgroupMmas, 0)
        << "the other tensor-core matmul ran";
  }

  // The GEMV stays in f32 (a bf16 weight widens exactly); the tensor-core
  // matmul rounds its operands to bf16 (see kTolerance).
  double tolerance = rows <= 4 ? 1e-4 : kTolerance;
  int failures = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double squares = 0;
    for (int64_t k = 0; k < kIn; ++k)
      squares += double(x[r * kIn + k]) * x[r * kIn + k];
    double inverse = 1 / std::sqrt(squares / kIn + 1e-5);
    std::vector<double> ref(kOut, 0);
    double largest = 0;
    for (int64_t n = 0; n < kOut; ++n) {
      for (int64_t k = 0; k < kIn; ++k)
        ref[n] += x[r * kIn + k] * inverse * nw[k] * w[n * kIn + k];
      largest = std::max(largest, std::abs(ref[n]));
    }
    for (int64_t n = 0; n < kOut; ++n) {
      double got = y[r * kOut + n];
      if (!(std::abs(got - ref[n]) <= tolerance * largest) && failures++ < 5)
        ADD_FAILURE() << "row " << r << " column " << n << " is " << got
                      << ", the reference " << ref[n] << " (row max |ref| "
                      << largest << ")";
    }
  }
  EXPECT_EQ(failures, 0) << "elements out of tolerance";
}

/// The test's name: rows, depth, weight type, tensor-core kernel.
std::string normLinearName(const testing::TestParamInfo<NormLinearCase> &info) {
  return std::to_string(std::get<0>(info.param)) + "RowsDepth" +
         std::to_string(std::get<1>(info.param)) +
         (std::get<2>(info.param) ? "BF16Weight" : "F32Weight") +
         (std::get<3>(info.param) ? "Wgmma" : "MmaSync");
}

// 77 and 130 rows: a partial tile of each kernel (64 and 128 rows), 130
// also a second row of blocks of the wgmma kernel.
INSTANTIATE_TEST_SUITE_P(Rows, EmulatedNormLinearTest,
                         testing::Combine(testing::Values(1, 3, 5, 64, 77, 130),
                                          testing::Values(256), testing::Bool(),
                                          testing::Bool()),
                         normLinearName);

// Depths that are no multiple of a k step: 200 leaves a partial step of
// both kernels (32 and 64 columns), 36 is no multiple of 8 either (the
// wgmma kernel's 16-byte loads of a bf16 W give way to scalar ones); 1280
// gives the GEMV steps of 4 loads in flight and then single ones.
INSTANTIATE_TEST_SUITE_P(Depths, EmulatedNormLinearTest,
                         testing::Combine(testing::Values(3, 70),
                                          testing::Values(200, 36, 1280),
                                          testing::Bool(), testing::Bool()),
                         normLinearName);

} // namespace
