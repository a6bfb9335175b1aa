// One Llama decoder block in the attn dialect: hidden 64, 4 query heads and
// 2 key/value heads of 16, a KV cache read through tensor slices.
func.func @decoder_block(%h: tensor<?x64xf32>, %offset: index,
                         %k_past: tensor<?x2x16xf32>,
                         %v_past: tensor<?x2x16xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %h, %c0 : tensor<?x64xf32>
  %ln = attn.weight "model.layers.0.input_layernorm.weight" : tensor<64xf32>
  %wq = attn.weight "model.layers.0.self_attn.q_proj.weight" : tensor<64x64xf32>
  %wk = attn.weight "model.layers.0.self_attn.k_proj.weight" : tensor<32x64xf32>
  %wv = attn.weight "model.layers.0.self_attn.v_proj.weight" : tensor<32x64xf32>
  %wo = attn.weight "model.layers.0.self_attn.o_proj.weight" : tensor<64x64xf32>
  %x = attn.rms_norm %h, %ln {epsilon = 1.0e-05 : f64} : tensor<?x64xf32>, tensor<64xf32>
  %q = attn.linear %x, %wq : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %k = attn.linear %x, %wk : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  %v = attn.linear %x, %wv : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [%n, 4, 16] : tensor<?x64xf32> into tensor<?x4x16xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [%n, 2, 16] : tensor<?x32xf32> into tensor<?x2x16xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [%n, 2, 16] : tensor<?x32xf32> into tensor<?x2x16xf32>
  %qr = attn.rope %q3, %offset {theta = 1.0e+04 : f64} : tensor<?x4x16xf32>
  %kr = attn.rope %k3, %offset {theta = 1.0e+04 : f64} : tensor<?x2x16xf32>
  %keys = tensor.concat dim(0) %k_past, %kr : (tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> tensor<?x2x16xf32>
  %values = tensor.concat dim(0) %v_past, %v3 : (tensor<?x2x16xf32>, tensor<?x2x16xf32>) -> tensor<?x2x16xf32>
  %o = attn.attention %qr, %keys, %values {scale = 2.5e-01 : f64, causal} : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
  %o2 = tensor.collapse_shape %o [[0], [1, 2]] : tensor<?x4x16xf32> into tensor<?x64xf32>
  %proj = attn.linear %o2, %wo : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %res = attn.add %h, %proj : tensor<?x64xf32>
  return %res : tensor<?x64xf32>
}
