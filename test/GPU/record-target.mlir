// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-cuda-record-target=chip=sm_80 | FileCheck %s

// The manifest names the target after its last key, the rest unchanged.
// CHECK: attn.manifest = "{\22abi_version\22:1,\22weights\22:[]
// CHECK-SAME: ,\22target\22:{\22kind\22:\22cuda\22,\22arch\22:\22sm_80\22}}"
module attributes {attn.manifest = "{\22abi_version\22:1,\22weights\22:[]}"} {
}

// -----

// Without a manifest (single kernels) nothing changes.
// CHECK-LABEL: module {
// CHECK-NOT: attn.manifest
module {
}

// -----

// expected-error @+1 {{attn.manifest already has a 'target'}}
module attributes {attn.manifest = "{\22target\22:{}}"} {
}

// -----

// expected-error @+1 {{attn.manifest is not a JSON object}}
module attributes {attn.manifest = "[1, 2]"} {
}
