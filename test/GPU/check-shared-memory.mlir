// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-gpu-check-shared-memory=chip=sm_90

// Within every limit: 32 KiB static, no error.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fits() workgroup(%tile: memref<8192xf32, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
}

// -----

// Static shared memory over 48 KiB cannot be declared in PTX.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // expected-error @+1 {{kernel 'too_much_static' declares 65536 bytes of static shared memory; PTX allows at most 49152 bytes (48 KiB), more must be dynamic}}
    gpu.func @too_much_static() workgroup(%a: memref<8192xf32, #gpu.address_space<workgroup>>, %b: memref<8192xf32, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
}

// -----

// Static workgroup globals count too.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    memref.global "private" @tile : memref<16384xf32, #gpu.address_space<workgroup>>
    // expected-error @+1 {{kernel 'global_tile' declares 65536 bytes of static shared memory}}
    gpu.func @global_tile() kernel {
      %tile = memref.get_global @tile : memref<16384xf32, #gpu.address_space<workgroup>>
      gpu.return
    }
  }
}

// -----

// 40 KiB static + 200 KiB dynamic = 240 KiB: over sm_90's 227 KiB.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // expected-error @+1 {{kernel 'too_much_total' needs 245760 bytes of shared memory per block (40960 static, 204800 dynamic); sm_90 allows at most 232448 bytes (227 KiB)}}
    gpu.func @too_much_total() workgroup(%tile: memref<10240xf32, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
  func.func @host() {
    %c1 = arith.constant 1 : index
    %smem = arith.constant 204800 : i32
    gpu.launch_func @kernels::@too_much_total blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) dynamic_shared_memory_size %smem
    return
  }
}
