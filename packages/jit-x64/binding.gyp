{
  "targets": [
    {
      "target_name": "tbpf_jit",
      "sources": ["native/tbpf_jit.c", "native/helpers.c"],
      "cflags": ["-O2", "-std=gnu11", "-fvisibility=hidden"]
    }
  ]
}
