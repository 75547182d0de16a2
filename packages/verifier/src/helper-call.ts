/**
 * Helper calls: each argument checked against the helper's prototype (Linux's
 * check_func_arg / check_helper_mem_access), then the call's effect on the state — clobbered
 * r1-r5, the return value, acquired and released references (check_helper_call).
 */
import type { ArgType, HelperPrototype } from '@tbpf/vm';
import { constSigned, isConst, isConstValue, sminOf, umaxOf, uminOf } from './bounds.js';
import type { Checker } from './checker.js';
import {
  isPointer,
  NOT_INIT,
  ownStack,
  ptrReg,
  type Reg,
  STACK_INVALID,
  STACK_MISC,
  STACK_SIZE,
  STACK_ZERO,
  scalarReg,
  typeName,
} from './state.js';

const RINGBUF_MAP = 27;
const MAX_VAR_OFF = 1 << 29;

export function checkHelperCall(c: Checker, id: number): void {
  const proto = c.opts.type.helpers.get(id);
  if (!proto) c.reject(`invalid func unknown#${id}`);
  let mapIdx = -1;
  let memArg: { regno: number; reg: Reg; write: boolean } | undefined;
  let released = 0;
  const constArg: (number | undefined)[] = [];
  for (let i = 0; i < 5; i++) {
    const at: ArgType = proto.args[i] ?? 'dontcare';
    const regno = i + 1;
    if (at === 'dontcare') continue;
    const r = c.readReg(regno);
    constArg[i] = r.type === 'scalar' && isConst(r) ? constSigned(r) : undefined;
    const expected = (list: string) => c.reject(`R${regno} type=${typeName(r)} expected=${list}`);
    const memTypes = 'fp, pkt, pkt_meta, map_key, map_value, mem';
    switch (at) {
      case 'anything':
        if (c.unpriv && isPointer(r)) c.reject(`R${regno} leaks addr into helper function`);
        break;
      case 'scalar':
        if (r.type !== 'scalar') expected('scalar');
        break;
      case 'const_map_ptr':
        if (r.type !== 'map_ptr') expected('map_ptr');
        mapIdx = r.map;
        checkMapCompat(c, proto, mapIdx);
        break;
      case 'ptr_to_map_key':
      case 'ptr_to_map_value': {
        if (mapIdx < 0)
          c.reject(`invalid map_ptr to access map->${at === 'ptr_to_map_key' ? 'key' : 'value'}`);
        if (!isMemPtr(r)) expected('fp, pkt, pkt_meta, map_key, map_value');
        const m = c.maps[mapIdx];
        helperMem(c, regno, r, at === 'ptr_to_map_key' ? m.keySize : m.valueSize, 0, false, false);
        break;
      }
      case 'ptr_to_mem':
      case 'ptr_to_uninit_mem':
        if (!isMemPtr(r)) expected(memTypes);
        memArg = { regno, reg: r, write: at === 'ptr_to_uninit_mem' };
        break;
      case 'const_size':
      case 'const_size_or_zero': {
        if (r.type !== 'scalar') expected('scalar');
        if (sminOf(r) < 0) c.reject(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
        if (umaxOf(r) === 0 && at === 'const_size') c.reject(`R${regno} invalid zero-sized read`);
        if (umaxOf(r) >= MAX_VAR_OFF)
          c.reject(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
        // Without a memory argument before it, the size is an allocation size (ringbuf_reserve).
        if (memArg) {
          helperMem(
            c,
            memArg.regno,
            memArg.reg,
            umaxOf(r),
            uminOf(r),
            memArg.write,
            at === 'const_size_or_zero',
          );
        }
        memArg = undefined;
        break;
      }
      case 'ptr_to_ctx':
        if (r.type !== 'ctx') expected('ctx');
        if (r.off !== 0 || !isConstValue(r, 0))
          c.reject(`dereference of modified ctx ptr R${regno} off=${r.off} disallowed`);
        break;
      case 'ptr_to_const_str':
        checkConstStr(c, regno, r);
        break;
      case 'ptr_to_stack_str':
        if (r.type !== 'fp') expected('fp');
        checkStackStr(c, regno, r);
        break;
      case 'ptr_to_ringbuf_mem':
        if (r.type !== 'mem' || !r.ringbuf || r.nullable) expected('ringbuf_mem');
        if (r.off !== 0 || !isConstValue(r, 0))
          c.reject(`R${regno} must have zero offset when passed to release func`);
        if (!c.st.refs.some((x) => x.id === r.refId))
          c.reject(`R${regno} reference has not been acquired before`);
        released = r.refId;
        break;
    }
  }
  if (released) {
    c.st.refs = c.st.refs.filter((x) => x.id !== released);
    c.forEachReg((r) => (r.refId === released ? scalarReg() : undefined));
  }
  for (let r = 1; r <= 5; r++) c.setReg(r, NOT_INIT);
  switch (proto.ret) {
    case 'void':
      c.setReg(0, NOT_INIT);
      break;
    case 'integer':
      c.setReg(0, scalarReg());
      break;
    case 'map_value_or_null':
      if (mapIdx < 0)
        c.reject(
          `kernel subsystem misconfigured verifier: ${proto.name} returns a map value without a map argument`,
        );
      c.setReg(
        0,
        ptrReg('map_value', {
          map: mapIdx,
          nullable: true,
          id: c.newId(),
          rdonly: !!c.maps[mapIdx].readOnly,
        }),
      );
      break;
    case 'ringbuf_mem_or_null': {
      const sizeArg = proto.retSizeArg ?? 1;
      const sz = constArg[sizeArg];
      if (sz === undefined) c.reject(`R${sizeArg + 1} is not a known constant'`);
      const id = c.newId();
      c.st.refs = [...c.st.refs, { id, insn: c.pc }];
      c.setReg(0, ptrReg('mem', { ringbuf: true, nullable: true, id, refId: id, size: sz }));
      break;
    }
  }
}

function isMemPtr(r: Reg): boolean {
  return !r.nullable && (r.type === 'fp' || r.type === 'map_value' || r.type === 'mem' || r.type === 'pkt');
}

function checkMapCompat(c: Checker, proto: HelperPrototype, mapIdx: number): void {
  const ringbufHelper = proto.name.startsWith('ringbuf_');
  const isRingbuf = c.maps[mapIdx].type === RINGBUF_MAP;
  if (ringbufHelper !== isRingbuf) {
    c.reject(`cannot pass map_type ${c.maps[mapIdx].type} into func bpf_${proto.name}#${proto.id}`);
  }
}

/** Memory passed to a helper: Linux's check_helper_mem_access. */
function helperMem(
  c: Checker,
  regno: number,
  reg: Reg,
  size: number,
  minSize: number,
  write: boolean,
  zeroOk: boolean,
): void {
  if (size === 0 && zeroOk) return;
  switch (reg.type) {
    case 'fp': {
      const f = c.stackFrame(reg);
      const [lo, hi] = c.stackRange(regno, reg, 0, size, 'indirect access to');
      if (write) {
        ownStack(f);
        for (let o = lo; o < hi; o++) c.scrubSlot(f, o + STACK_SIZE);
        if (isConst(reg)) {
          for (let o = lo; o < lo + minSize; o++) f.stack[o + STACK_SIZE] = STACK_MISC;
        }
        return;
      }
      for (let o = lo; o < hi; o++) {
        if (f.stack[o + STACK_SIZE] === STACK_INVALID) {
          c.reject(`invalid indirect read from stack R${regno} off ${lo}+${o - lo} size ${size}`);
        }
      }
      return;
    }
    case 'map_value': {
      const map = c.maps[reg.map];
      if (write && (map.readOnly || reg.rdonly))
        c.reject(`write into map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`);
      c.checkRegion(
        regno,
        reg,
        0,
        size,
        map.valueSize,
        (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`,
        zeroOk,
      );
      return;
    }
    case 'mem':
      if (write && reg.rdonly) c.reject(`R${regno} cannot write into ${typeName(reg)}`);
      c.checkRegion(
        regno,
        reg,
        0,
        size,
        reg.size,
        (o) => `invalid access to memory, mem_size=${reg.size} off=${o} size=${size}`,
        zeroOk,
      );
      return;
    case 'pkt':
      c.checkRegion(
        regno,
        reg,
        0,
        size,
        reg.range,
        (o) =>
          `invalid access to packet, off=${o} size=${size}, R${regno}(id=${reg.id},off=${reg.off},r=${reg.range})`,
        zeroOk,
      );
      return;
    default:
      c.reject(`R${regno} type=${typeName(reg)} expected=fp, pkt, pkt_meta, map_key, map_value, mem`);
  }
}

function checkConstStr(c: Checker, regno: number, r: Reg): void {
  if (r.type !== 'map_value') c.reject(`R${regno} type=${typeName(r)} expected=map_value`);
  const map = c.maps[r.map];
  if (!map.readOnly) c.reject(`R${regno} does not point to a readonly map'`);
  if (!isConst(r)) c.reject(`R${regno} is not a constant address'`);
  const start = r.off + constSigned(r);
  const data = map.initialData;
  if (!data || start < 0 || start >= map.valueSize)
    c.reject(`R${regno} invalid access to map value, value_size=${map.valueSize} off=${start}`);
  if (data.indexOf(0, start) < 0) c.reject('string is not zero-terminated');
}

function checkStackStr(c: Checker, regno: number, r: Reg): void {
  if (!isConst(r)) c.reject(`R${regno} variable stack access to a string prohibited`);
  const f = c.stackFrame(r);
  const start = r.off + constSigned(r);
  if (start < -STACK_SIZE || start >= 0)
    c.reject(`invalid indirect access to stack R${regno} off=${start} size=1`);
  c.noteDepth(r, -start);
  for (let o = start; o < 0; o++) {
    const b = f.stack[o + STACK_SIZE];
    if (b === STACK_INVALID)
      c.reject(`invalid indirect read from stack R${regno} off ${start}+${o - start} size ${-start}`);
    if (b === STACK_ZERO) return;
  }
  c.reject('string is not zero-terminated');
}
