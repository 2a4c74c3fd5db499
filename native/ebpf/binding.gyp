{
  "targets": [
    {
      "target_name": "tapio_ebpf",
      "sources": [
        "addon/addon.cc",
        "addon/session.cc",
        "addon/attach.cc",
        "addon/libbpf_log.cc",
        "addon/kernel_probes.cc",
        "addon/dns_probes.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "build/bpf"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wno-missing-field-initializers"],
      "libraries": ["-lbpf", "-lelf", "-lz"]
    }
  ]
}
