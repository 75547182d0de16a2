/**
 * The simulated host's data structures, declared once in C: the host lays them out in the
 * trace-host arena from this text (cc-frontend's layout engine), and filters written in C
 * `#include "netsim.h"` the same text. Field order follows Linux where the RFC depends on it:
 * `net_device.name` at offset 0 (the cover letter's `dev->name`) and `sk_buff.dev` at +32
 * (the RFC's filter_ex1 reads `skb->dev` there).
 */
export const NETSIM_H = `#ifndef NETSIM_H
#define NETSIM_H

#define IFNAMSIZ 16

struct net_device {
  char name[IFNAMSIZ];          /* +0 */
  int ifindex;                  /* +16 */
  unsigned int mtu;             /* +20 */
  unsigned long long rx_packets; /* +24 */
  unsigned long long tx_packets; /* +32 */
};

struct sk_buff {
  struct sk_buff *next;         /* +0 */
  struct sk_buff *prev;         /* +8 */
  unsigned long long tstamp;    /* +16 */
  void *sk;                     /* +24 */
  struct net_device *dev;       /* +32 */
  unsigned int len;             /* +40 */
  unsigned int data_len;        /* +44 */
  unsigned short protocol;      /* +48 */
  unsigned short mac_len;       /* +50 */
  unsigned int hash;            /* +52 */
};

#endif
`;
