/**
 * Which verifier program type a program is checked against. One place, so that it can follow
 * the verifier as it learns more of Linux's types:
 * - sectionless input (assembly, raw, hex): `raw` — r1 is `contextSize` bytes of writable
 *   memory, r2 their length (what `tbpf run --mem` passes);
 * - a section libbpf knows: the Linux type it names (`kprobe/…` → kprobe, `socket` →
 *   socket_filter, …), when the verifier has it;
 * - RFC images and objects whose programs have no `SEC()` (the RFC's one-function filters):
 *   kprobe — the RFC's `struct bpf_context` is `struct pt_regs`;
 * - a section libbpf does not know (`bind`, `tc_mark`): sched_cls when the program uses what only
 *   tc programs have (iproute2's tc loads any section), else socket_filter (PREVAIL's reading).
 */
import {
  type HelperSet,
  linuxProgramType,
  type ProgramType,
  programTypeForUnknownSection,
  rawType,
} from '@tbpf/verifier';
import type { ObjectSpec, ProgramInfo } from './spec.js';

export function verifierType(
  program: ProgramInfo,
  spec: ObjectSpec,
  helpers: HelperSet,
  contextSize: number,
): ProgramType {
  if (program.section === '') return rawType(contextSize, helpers);
  const section = program.type;
  if (section)
    return linuxProgramType(section.programType, {
      ...(section.expectedAttachType ? { attach: section.expectedAttachType } : {}),
      ...(section.sleepable ? { sleepable: true } : {}),
      ...(section.target ? { target: section.target } : {}),
    });
  if (spec.format === 'rfc-image' || program.section === '.text') return linuxProgramType('kprobe');
  return programTypeForUnknownSection(program.link().insns);
}
