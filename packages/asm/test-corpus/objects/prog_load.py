# Load a linked program into the running kernel with bpf(2): the kernel's verifier is an
# oracle for our reader and linker (call offsets, map and global-data references).
# Input (stdin, JSON): {"insns": hex of little-endian instructions, "license": str,
#   "prog_type": int, "maps": [{"type", "key", "value", "max", "flags", "data": hex|null, "frozen": bool}],
#   optional "btf": hex of a .BTF section and "func_info": [[insn_off, type_id], ...]}
# The lddw pseudo sources map_idx (5) / map_idx_value (6) are patched to map fds (1 / 2).
# Output: OK (exit 0), the verifier log (exit 1), or exit 2 when bpf(2) is not permitted here.
import ctypes
import json
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
NR_BPF = 321  # x86-64


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 144)
    r = libc.syscall(NR_BPF, cmd, buf, 144)
    return r, ctypes.get_errno()


spec = json.load(sys.stdin)
fds = []
for m in spec["maps"]:
    fd, err = bpf(0, struct.pack("<IIIII", m["type"], m["key"], m["value"], m["max"], m["flags"]))
    if fd < 0:
        if err in (1, 38):
            sys.exit(2)
        print("map create failed: errno %d for %r" % (err, m))
        sys.exit(1)
    if m.get("data"):
        key = ctypes.create_string_buffer(4)
        value = ctypes.create_string_buffer(bytes.fromhex(m["data"]), m["value"])
        r, err = bpf(2, struct.pack("<IIQQQ", fd, 0, ctypes.addressof(key), ctypes.addressof(value), 0))
        if r < 0:
            print("map update failed: errno %d" % err)
            sys.exit(1)
    if m.get("frozen"):
        bpf(22, struct.pack("<I", fd))
    fds.append(fd)

code = bytearray(bytes.fromhex(spec["insns"]))
for at in range(0, len(code), 8):
    if code[at] == 0x18 and at + 16 <= len(code):
        src = code[at + 1] >> 4
        if src in (5, 6):
            idx = struct.unpack_from("<i", code, at + 4)[0]
            code[at + 1] = (code[at + 1] & 0x0F) | ((1 if src == 5 else 2) << 4)
            struct.pack_into("<i", code, at + 4, fds[idx])

insns = ctypes.create_string_buffer(bytes(code))
license = ctypes.create_string_buffer(spec["license"].encode())
log = ctypes.create_string_buffer(1 << 20)
attr = struct.pack(
    "<IIQQIIQ", spec["prog_type"], len(code) // 8, ctypes.addressof(insns), ctypes.addressof(license), 1, len(log), ctypes.addressof(log)
)
if spec.get("btf"):
    btf = ctypes.create_string_buffer(bytes.fromhex(spec["btf"]))
    btf_log = ctypes.create_string_buffer(1 << 16)
    btf_fd, err = bpf(18, struct.pack("<QQIII", ctypes.addressof(btf), ctypes.addressof(btf_log), len(btf.raw) - 1, len(btf_log), 1))
    if btf_fd < 0:
        print("BTF load failed: errno %d\n%s" % (err, btf_log.value.decode(errors="replace")[-2000:]))
        sys.exit(1)
    records = b"".join(struct.pack("<II", off, tid) for off, tid in spec.get("func_info", []))
    func_info = ctypes.create_string_buffer(records or b"\0")
    attr = attr + struct.pack("<II16sIIIIQI", 0, 0, b"", 0, 0, btf_fd, 8, ctypes.addressof(func_info), len(spec.get("func_info", [])))
fd, err = bpf(5, attr)
if fd < 0:
    if err == 1 and not fds:
        sys.exit(2)
    print("errno %d\n%s" % (err, log.value.decode(errors="replace")[-3000:]))
    sys.exit(1)
print("OK")
