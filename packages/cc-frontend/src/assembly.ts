/**
 * `-S`: the compiled unit as LLVM-style BPF assembly (instruction text from @tbpf/asm's
 * llvm-objdump printer), with sections, symbols, relocated operands by name, and data.
 */
import { formatLlvm } from '@tbpf/asm';
import type { CompiledUnit } from './compile.js';
import { sourceLines } from './source-lines.js';

export function formatAssembly(unit: CompiledUnit): string {
  const out: string[] = [`\t.file\t${JSON.stringify(unit.fileName)}`];
  const lineOf = sourceLines(unit.sources);
  let section = '';
  unit.functions.forEach((f, n) => {
    if (f.section !== section) {
      section = f.section;
      out.push(section === '.text' ? '\t.text' : `\t.section\t${section},"ax",@progbits`);
    }
    if (f.global) out.push(`\t.globl\t${f.name}`);
    out.push(`\t.type\t${f.name},@function`, `${f.name}:`);
    const relocAt = new Map(f.relocs.map((r) => [r.insnIndex, r]));
    let line = -1;
    f.insns.forEach((insn, k) => {
      const loc = f.locs[k];
      if (loc && loc.line !== line) {
        line = loc.line;
        const text = lineOf(loc.file, loc.line).trim();
        if (text) out.push(`# ${text}`);
      }
      const r = relocAt.get(k);
      let text = formatLlvm(insn);
      if (r?.kind === 'call') text = `call ${r.symbol}`;
      else if (r) text = text.replace(/=.*$/, `= ${r.symbol} ll`);
      out.push(`\t${text}`);
    });
    out.push(`.Lfunc_end${n}:`, `\t.size\t${f.name}, .Lfunc_end${n}-${f.name}`);
  });
  for (const d of unit.data) {
    const bss = d.section.startsWith('.bss');
    const flags = d.section.startsWith('.rodata') ? 'a' : 'aw';
    out.push(
      `\t.type\t${d.name},@object`,
      `\t.section\t${d.section},"${flags}",@${bss ? 'nobits' : 'progbits'}`,
    );
    if (d.global) out.push(`\t.globl\t${d.name}`);
    out.push(`${d.name}:`);
    if (d.section.startsWith('.bss')) out.push(`\t.zero\t${d.bytes.length}`);
    else out.push(`\t.byte\t${[...d.bytes].join(',')}`);
    out.push(`\t.size\t${d.name}, ${d.bytes.length}`);
  }
  for (const m of unit.maps) {
    out.push(
      `# map ${m.name}: type ${m.type}, key ${m.keySize} bytes, value ${m.valueSize} bytes, max_entries ${m.maxEntries} (${m.style === 'btf' ? '.maps' : 'maps'})`,
    );
  }
  if (unit.license !== undefined)
    out.push(`\t.section\tlicense,"aw",@progbits`, `\t.asciz\t${JSON.stringify(unit.license)}`);
  return `${out.join('\n')}\n`;
}
