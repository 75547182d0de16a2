# Load the .BTF section of a little-endian x86-64-host ELF object into the running kernel with
# bpf(BPF_BTF_LOAD): the kernel's BTF checker is an oracle for our BTF encoder.
# Usage: btf_load.py file.o  ->  prints OK (exit 0), the kernel's log (exit 1),
# or exits 2 when bpf(2) is not permitted or not available here (tests skip then).
import ctypes
import struct
import sys

data = open(sys.argv[1], 'rb').read()
def sections(d):
    shoff, = struct.unpack_from('<Q', d, 40); shnum, shstrndx = struct.unpack_from('<HH', d, 60)
    hdrs = [struct.unpack_from('<IIQQQQIIQQ', d, shoff + i*64) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    out = {}
    for h in hdrs:
        n = d[stro+h[0]: d.index(b'\0', stro+h[0])].decode()
        out[n] = d[h[4]:h[4]+h[5]]
    return out
btf = sections(data)['.BTF']
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(btf)
log = ctypes.create_string_buffer(1 << 16)
attr = struct.pack('<QQIII', ctypes.addressof(buf), ctypes.addressof(log), len(btf), len(log), 1)
attr_buf = ctypes.create_string_buffer(attr, 128)
fd = libc.syscall(321, 18, attr_buf, 128)  # __NR_bpf on x86-64, BPF_BTF_LOAD
if fd < 0:
    e = ctypes.get_errno()
    print('ERR', e, log.value.decode(errors='replace')[-2000:])
    sys.exit(1 if e not in (1, 38) else 2)
print('OK')
