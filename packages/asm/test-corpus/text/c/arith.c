// Arithmetic that exercises ALU32, signed division, byte swaps, sign extension and loops.
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;
#define SEC(name) __attribute__((section(name), used))

SEC("socket")
int arith(u64 *ctx) {
  s64 a = (s64)ctx[0];
  s32 b = (s32)ctx[1];
  signed char c = (signed char)ctx[2];
  short d = (short)ctx[3];
  u64 acc = 0;
  for (int i = 0; i < 16; i++) {
    acc += (u64)(a / (b | 1)) ^ (u64)(a % 7);
    acc = __builtin_bswap64(acc) + __builtin_bswap32((u32)acc) + __builtin_bswap16((unsigned short)i);
    acc -= (u64)(c * d) >> (i & 7);
    if ((s32)acc < -5) break;
  }
  u32 lo = (u32)acc;
  lo = (lo << 3) | (lo >> 29);
  return (int)(lo % 1000u) - (int)(b / 3);
}
