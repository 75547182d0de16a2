/* @inputs: 1|305419896|-1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned int f(struct ctx *ctx) {
  unsigned char *p = (unsigned char *)ctx;
  unsigned int crc = 0xffffffff;
  for (int i = 0; i < 16; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}
