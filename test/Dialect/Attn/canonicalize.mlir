// RUN: attn-opt %s -canonicalize -split-input-file | FileCheck %s

// Expected values come from the formula of DESIGN.md, computed independently
// in double precision (python3 math) and checked to 5 significant digits
// (3 for f16), in either of the two notations the printer picks:
// PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(pos / base^(2i/d)).
// For d = 10 and base 10000, row 1 has the angles 1, 1, 0.158489, 0.158489,
// 0.0251189, 0.0251189, 0.00398107, 0.00398107, 0.000630957, 0.000630957.

// CHECK-LABEL: func @sinusoidal_pe_static_folds
func.func @sinusoidal_pe_static_folds() -> tensor<3x10xf32> {
  // CHECK-NOT: attn.sinusoidal_pe
  // CHECK: %[[PE:.*]] = arith.constant dense<[
  // Row 0: 0 1 0 1 0 1 0 1 0 1
  // CHECK-SAME: [0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00]
  // Row 1: 0.841471 0.540302 0.157827 0.987467 0.0251162 0.999685 0.00398106 0.999992 0.000630957 1
  // CHECK-SAME: [{{(0\.84147[0-9]*|8\.4147[0-9]*[eE]-0*1)}}, {{(0\.54030[0-9]*|5\.4030[0-9]*[eE]-0*1)}}, {{(0\.15782[0-9]*|1\.5782[0-9]*[eE]-0*1)}}, {{(0\.98746[0-9]*|9\.8746[0-9]*[eE]-0*1)}}, {{(0\.025116[0-9]*|2\.5116[0-9]*[eE]-0*2)}}, {{(0\.99968[0-9]*|9\.9968[0-9]*[eE]-0*1)}}, {{(0\.0039810[0-9]*|3\.9810[0-9]*[eE]-0*3)}}, {{(0\.99999[0-9]*|9\.9999[0-9]*[eE]-0*1)}}, {{(0\.00063095[0-9]*|6\.3095[0-9]*[eE]-0*4)}}, {{(0\.99999[0-9]*|9\.9999[0-9]*[eE]-0*1)}}]
  // Row 2: 0.909297 -0.416147 0.311697 0.950182 0.0502166 0.998738 0.00796206 0.999968 0.00126191 0.999999
  // CHECK-SAME: [{{(0\.90929[0-9]*|9\.0929[0-9]*[eE]-0*1)}}, {{-(0\.41614[0-9]*|4\.1614[0-9]*[eE]-0*1)}}, {{(0\.31169[0-9]*|3\.1169[0-9]*[eE]-0*1)}}, {{(0\.95018[0-9]*|9\.5018[0-9]*[eE]-0*1)}}, {{(0\.050216[0-9]*|5\.0216[0-9]*[eE]-0*2)}}, {{(0\.99873[0-9]*|9\.9873[0-9]*[eE]-0*1)}}, {{(0\.0079620[0-9]*|7\.9620[0-9]*[eE]-0*3)}}, {{(0\.99996[0-9]*|9\.9996[0-9]*[eE]-0*1)}}, {{(0\.0012619[0-9]*|1\.2619[0-9]*[eE]-0*3)}}, {{(0\.99999[0-9]*|9\.9999[0-9]*[eE]-0*1)}}]
  // CHECK-SAME: ]> : tensor<3x10xf32>
  // CHECK-NEXT: return %[[PE]]
  %0 = attn.sinusoidal_pe : tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----

// The base attribute is honoured: with base 100 and d = 4 the angles of
// position p are p and p / 10.
// CHECK-LABEL: func @sinusoidal_pe_base_folds
func.func @sinusoidal_pe_base_folds() -> tensor<3x4xf32> {
  // CHECK: arith.constant dense<[
  // Row 0: 0 1 0 1
  // CHECK-SAME: [0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00]
  // Row 1: 0.841471 0.540302 0.0998334 0.995004
  // CHECK-SAME: [{{(0\.84147[0-9]*|8\.4147[0-9]*[eE]-0*1)}}, {{(0\.54030[0-9]*|5\.4030[0-9]*[eE]-0*1)}}, {{(0\.099833[0-9]*|9\.9833[0-9]*[eE]-0*2)}}, {{(0\.99500[0-9]*|9\.9500[0-9]*[eE]-0*1)}}]
  // Row 2: 0.909297 -0.416147 0.198669 0.980067
  // CHECK-SAME: [{{(0\.90929[0-9]*|9\.0929[0-9]*[eE]-0*1)}}, {{-(0\.41614[0-9]*|4\.1614[0-9]*[eE]-0*1)}}, {{(0\.19866[0-9]*|1\.9866[0-9]*[eE]-0*1)}}, {{(0\.98006[0-9]*|9\.8006[0-9]*[eE]-0*1)}}]
  // CHECK-SAME: ]> : tensor<3x4xf32>
  %0 = attn.sinusoidal_pe {base = 100.0 : f64} : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// The table is rounded to the result's element type.
// CHECK-LABEL: func @sinusoidal_pe_f16_folds
func.func @sinusoidal_pe_f16_folds() -> tensor<3x2xf16> {
  // CHECK: arith.constant dense<[
  // Row 0: 0 1
  // CHECK-SAME: [0.000000e+00, 1.000000e+00]
  // Row 1: 0.841471 0.540302
  // CHECK-SAME: [{{(0\.841[0-9]*|8\.41[0-9]*[eE]-0*1)}}, {{(0\.540[0-9]*|5\.40[0-9]*[eE]-0*1)}}]
  // Row 2: 0.909297 -0.416147
  // CHECK-SAME: [{{(0\.909[0-9]*|9\.09[0-9]*[eE]-0*1)}}, {{-(0\.416[0-9]*|4\.16[0-9]*[eE]-0*1)}}]
  // CHECK-SAME: ]> : tensor<3x2xf16>
  %0 = attn.sinusoidal_pe : tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}

// -----

// A constant length makes the shape static; the static table then folds and
// a cast restores the type the users expect.
// CHECK-LABEL: func @sinusoidal_pe_constant_length
func.func @sinusoidal_pe_constant_length() -> tensor<?x2xf32> {
  // CHECK-NOT: attn.sinusoidal_pe
  // CHECK: %[[PE:.*]] = arith.constant dense<[
  // CHECK-SAME: [0.000000e+00, 1.000000e+00], [{{(0\.84147[0-9]*|8\.4147[0-9]*[eE]-0*1)}}, {{(0\.54030[0-9]*|5\.4030[0-9]*[eE]-0*1)}}]
  // CHECK-SAME: ]> : tensor<2x2xf32>
  // CHECK: %[[CAST:.*]] = tensor.cast %[[PE]] : tensor<2x2xf32> to tensor<?x2xf32>
  // CHECK: return %[[CAST]]
  %n = arith.constant 2 : index
  %0 = attn.sinusoidal_pe %n : tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// CHECK-LABEL: func @sinusoidal_pe_argument_length
// CHECK-SAME: (%[[N:.*]]: index)
func.func @sinusoidal_pe_argument_length(%n: index) -> tensor<?x8xf32> {
  // CHECK: %[[PE:.*]] = attn.sinusoidal_pe %[[N]] : tensor<?x8xf32>
  // CHECK-NOT: tensor.cast
  // CHECK: return %[[PE]]
  %0 = attn.sinusoidal_pe %n : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// A negative length has no table: the op is left for the lowering to reject.
// CHECK-LABEL: func @sinusoidal_pe_negative_length
func.func @sinusoidal_pe_negative_length() -> tensor<?x8xf32> {
  // CHECK: %[[N:.*]] = arith.constant -1 : index
  // CHECK: %[[PE:.*]] = attn.sinusoidal_pe %[[N]] : tensor<?x8xf32>
  // CHECK-NOT: tensor.cast
  // CHECK: return %[[PE]]
  %n = arith.constant -1 : index
  %0 = attn.sinusoidal_pe %n : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
