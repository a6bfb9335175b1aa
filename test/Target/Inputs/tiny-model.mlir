// A 2-layer Llama with hidden 16, 2 query heads and 1 key/value head of 8,
// intermediate 32 and vocabulary 32, written by hand after the graph the
// frontend emits (one @decoder_layer body called once per layer).
module attributes {attn.abi_version = 3 : i64, attn.config = {hidden_size = 16 : i64, intermediate_size = 32 : i64, model_type = "llama", num_attention_heads = 2 : i64, num_hidden_layers = 2 : i64, num_key_value_heads = 1 : i64, head_dim = 8 : i64, rms_norm_eps = 1.0e-05 : f64, rope_theta = 1.0e+04 : f64, tie_word_embeddings = false, vocab_size = 32 : i64}} {
  func.func private @decoder_layer(%hidden: tensor<?x16xf32>, %position: index, %layer: index, %k_cache: tensor<?x1x8xf32>, %v_cache: tensor<?x1x8xf32>) -> (tensor<?x16xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf32>) {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %hidden, %c0 : tensor<?x16xf32>
    %ln1 = attn.weight "model.layers.{layer}.input_layernorm.weight"[%layer] : tensor<16xf32>
    %x = attn.rms_norm %hidden, %ln1 {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
    %wq = attn.weight "model.layers.{layer}.self_attn.q_proj.weight"[%layer] : tensor<16x16xf32>
    %wk = attn.weight "model.layers.{layer}.self_attn.k_proj.weight"[%layer] : tensor<8x16xf32>
    %wv = attn.weight "model.layers.{layer}.self_attn.v_proj.weight"[%layer] : tensor<8x16xf32>
    %q = attn.linear %x, %wq : (tensor<?x16xf32>, tensor<16x16xf32>) -> tensor<?x16xf32>
    %k = attn.linear %x, %wk : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
    %v = attn.linear %x, %wv : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
    %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [%n, 2, 8] : tensor<?x16xf32> into tensor<?x2x8xf32>
    %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [%n, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
    %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [%n, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
    %qr = attn.rope %q3, %position {theta = 1.0e+04 : f64} : tensor<?x2x8xf32>
    %kr = attn.rope %k3, %position {theta = 1.0e+04 : f64} : tensor<?x1x8xf32>
    %kc = tensor.insert_slice %kr into %k_cache[%position, 0, 0] [%n, 1, 8] [1, 1, 1] : tensor<?x1x8xf32> into tensor<?x1x8xf32>
    %vc = tensor.insert_slice %v3 into %v_cache[%position, 0, 0] [%n, 1, 8] [1, 1, 1] : tensor<?x1x8xf32> into tensor<?x1x8xf32>
    %len = arith.addi %position, %n : index
    %keys = tensor.extract_slice %kc[0, 0, 0] [%len, 1, 8] [1, 1, 1] : tensor<?x1x8xf32> to tensor<?x1x8xf32>
    %values = tensor.extract_slice %vc[0, 0, 0] [%len, 1, 8] [1, 1, 1] : tensor<?x1x8xf32> to tensor<?x1x8xf32>
    %o = attn.attention %qr, %keys, %values {scale = 0.35355339059327373 : f64, causal} : tensor<?x2x8xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf32> -> tensor<?x2x8xf32>
    %o2 = tensor.collapse_shape %o [[0], [1, 2]] : tensor<?x2x8xf32> into tensor<?x16xf32>
    %wo = attn.weight "model.layers.{layer}.self_attn.o_proj.weight"[%layer] : tensor<16x16xf32>
    %proj = attn.linear %o2, %wo : (tensor<?x16xf32>, tensor<16x16xf32>) -> tensor<?x16xf32>
    %h1 = attn.add %hidden, %proj : tensor<?x16xf32>
    %ln2 = attn.weight "model.layers.{layer}.post_attention_layernorm.weight"[%layer] : tensor<16xf32>
    %y = attn.rms_norm %h1, %ln2 {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
    %wg = attn.weight "model.layers.{layer}.mlp.gate_proj.weight"[%layer] : tensor<32x16xf32>
    %wu = attn.weight "model.layers.{layer}.mlp.up_proj.weight"[%layer] : tensor<32x16xf32>
    %wd = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%layer] : tensor<16x32xf32>
    %g = attn.linear %y, %wg : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
    %u = attn.linear %y, %wu : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
    %s = attn.silu %g : tensor<?x32xf32>
    %gu = attn.mul %s, %u : tensor<?x32xf32>
    %d = attn.linear %gu, %wd : (tensor<?x32xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
    %h2 = attn.add %h1, %d : tensor<?x16xf32>
    return %h2, %kc, %vc : tensor<?x16xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf32>
  }

  func.func @prefill(%tokens: tensor<?xi32>, %position: index, %k_cache: tensor<2x?x1x8xf32>, %v_cache: tensor<2x?x1x8xf32>) -> (tensor<?x16xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %cap = tensor.dim %k_cache, %c1 : tensor<2x?x1x8xf32>
    %emb = attn.weight "model.embed_tokens.weight" : tensor<32x16xf32>
    %h0 = attn.embedding %emb[%tokens] : tensor<32x16xf32>, tensor<?xi32> -> tensor<?x16xf32>
    %h, %kc, %vc = scf.for %l = %c0 to %c2 step %c1 iter_args(%h_it = %h0, %kc_it = %k_cache, %vc_it = %v_cache) -> (tensor<?x16xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>) {
      %kl = tensor.extract_slice %kc_it[%l, 0, 0, 0] [1, %cap, 1, 8] [1, 1, 1, 1] : tensor<2x?x1x8xf32> to tensor<?x1x8xf32>
      %vl = tensor.extract_slice %vc_it[%l, 0, 0, 0] [1, %cap, 1, 8] [1, 1, 1, 1] : tensor<2x?x1x8xf32> to tensor<?x1x8xf32>
      %h_next, %kl2, %vl2 = func.call @decoder_layer(%h_it, %position, %l, %kl, %vl) : (tensor<?x16xf32>, index, index, tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> (tensor<?x16xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf32>)
      %kc2 = tensor.insert_slice %kl2 into %kc_it[%l, 0, 0, 0] [1, %cap, 1, 8] [1, 1, 1, 1] : tensor<?x1x8xf32> into tensor<2x?x1x8xf32>
      %vc2 = tensor.insert_slice %vl2 into %vc_it[%l, 0, 0, 0] [1, %cap, 1, 8] [1, 1, 1, 1] : tensor<?x1x8xf32> into tensor<2x?x1x8xf32>
      scf.yield %h_next, %kc2, %vc2 : tensor<?x16xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>
    }
    %norm = attn.weight "model.norm.weight" : tensor<16xf32>
    %out = attn.rms_norm %h, %norm {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
    return %out, %kc, %vc : tensor<?x16xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>
  }

  func.func @logits(%hidden: tensor<?x16xf32>) -> tensor<?x32xf32> {
    %w = attn.weight "lm_head.weight" : tensor<32x16xf32>
    %l = attn.linear %hidden, %w : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
    return %l : tensor<?x32xf32>
  }

  func.func @decode(%token: tensor<1xi32>, %position: index, %k_cache: tensor<2x?x1x8xf32>, %v_cache: tensor<2x?x1x8xf32>) -> (tensor<1x32xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>) {
    %t = tensor.cast %token : tensor<1xi32> to tensor<?xi32>
    %h, %kc, %vc = func.call @prefill(%t, %position, %k_cache, %v_cache) : (tensor<?xi32>, index, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>) -> (tensor<?x16xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>)
    %l = func.call @logits(%h) : (tensor<?x16xf32>) -> tensor<?x32xf32>
    %l1 = tensor.cast %l : tensor<?x32xf32> to tensor<1x32xf32>
    return %l1, %kc, %vc : tensor<1x32xf32>, tensor<2x?x1x8xf32>, tensor<2x?x1x8xf32>
  }
}
