import {
  assemble,
  type DataSectionInput,
  type DisasmSectionInput,
  type DisasmStyle,
  detectFormat,
  disassemble,
  disassembleJson,
  formatAssembly,
  formatUbpf,
  linuxHelperName,
  listSection,
  type MapSpec,
  objectData,
  objectSections,
  readElf,
  readObject,
  TBPF_RFC_HELPER_IDS,
  translateRfcImage,
  writeAssembled,
} from '@tbpf/asm';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';
import { parseHexBytes } from './hex.js';
import { jitedText } from './jited.js';

interface DisasmOptions {
  style: string;
  section?: string;
  rawBytes?: boolean;
  alu32?: boolean;
  relocs?: boolean;
  source?: boolean;
  json?: boolean;
  jited?: boolean;
}

/** Sections in the ubpf syntax, one instruction per line, jump offsets numeric: `tbpf asm --syntax ubpf` input. */
function ubpfListing(sections: DisasmSectionInput[]): string {
  return sections
    .map((s) => {
      const lines = listSection(s).map((e) =>
        e.insn
          ? formatUbpf(e.insn)
          : `# <unknown> ${Array.from(e.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
      );
      return `# section ${s.name}\n${lines.join('\n')}\n`;
    })
    .join('');
}

async function load(
  bytes: Uint8Array,
  file: string,
  source: boolean,
): Promise<{ format: string; object: Uint8Array; sections: DisasmSectionInput[]; data: DataSectionInput[] }> {
  const format = detectFormat(bytes, file);
  try {
    if (format === 'elf' || format === 'asm' || format === 'c') {
      // Assembly and C list as the objects `tbpf asm --format elf` and `tbpf cc` write.
      const object = format === 'elf' ? bytes : await toObject(format, new TextDecoder().decode(bytes), file);
      const elf = readElf(object);
      return { format: 'elf', object, sections: objectSections(elf, { source }), data: objectData(elf) };
    }
    if (format === 'rfc-image') {
      const translated = translateRfcImage(bytes);
      return { format, object: bytes, sections: [{ name: '.text', insns: translated.insns }], data: [] };
    }
  } catch (e) {
    // The readers throw their own typed errors (ElfError, AsmError, RfcImageError) with locations.
    throw cliErrorFrom(e, file, format === 'asm' ? new TextDecoder().decode(bytes) : undefined);
  }
  const code = format === 'hex' ? parseHexBytes(new TextDecoder().decode(bytes), file) : bytes;
  return { format, object: code, sections: [{ name: '.text', bytes: code }], data: [] };
}

async function toObject(format: 'asm' | 'c', text: string, file: string): Promise<Uint8Array> {
  if (format === 'asm') return writeAssembled(assemble(text, { fileName: file }));
  const { compileC } = await import('@tbpf/object');
  return compileC(text, file).bytes;
}

/** Code that does not decode is an input error (exit 2), not a listing of `<unknown>` lines. */
function checkDecodes(sections: DisasmSectionInput[], file: string, format: string): void {
  for (const s of sections) {
    const bad = listSection(s).find((e) => e.error);
    if (bad) {
      throw new CliError(
        `${bad.error} (bytes ${Array.from(bad.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')})`,
        {
          file,
          location: { ...(format === 'elf' ? { section: s.name } : {}), offset: bad.offset },
          code: 'bad-instruction',
        },
      );
    }
  }
}

const RFC_HELPER_NAMES = new Map<number, string>(
  Object.entries(TBPF_RFC_HELPER_IDS).map(([name, id]) => [id, name]),
);

/** Helper names for kernel-style listings: Linux's, and tbpf's ids for the RFC-only helpers. */
const helperName = (id: number) => RFC_HELPER_NAMES.get(id) ?? linuxHelperName(id);

/**
 * An object's maps as bpftool knows a loaded program's: numbered from 1 in the object's order
 * (the ids `tbpf run` gives them), with a `; map[id:N] name: type …` line for each, and the
 * resolver that makes a relocated `lddw` read `map[id:N]` (`map[id:N][0]+off` for global data).
 */
function objectMaps(bytes: Uint8Array, file: string) {
  let maps: MapSpec[];
  try {
    maps = readObject(bytes).maps;
  } catch (e) {
    throw cliErrorFrom(e, file);
  }
  const header = maps
    .map(
      (m, i) =>
        `; map[id:${i + 1}] ${m.name}: ${m.typeName}  key ${m.keySize}B  value ${m.valueSize}B  max_entries ${m.maxEntries}\n`,
    )
    .join('');
  const mapOf = (symbol: string, sectionSymbol: boolean) => {
    const i = sectionSymbol
      ? maps.findIndex((m) => m.origin === 'global-data' && m.section === symbol)
      : maps.findIndex((m) => m.origin !== 'global-data' && m.name === symbol);
    if (i >= 0) return { id: i + 1, ...(sectionSymbol ? { valueOffset: 0 } : {}) };
    const data = maps.findIndex((m) => m.variables?.some((v) => v.name === symbol));
    if (data < 0) return undefined;
    const variable = maps[data].variables?.find((v) => v.name === symbol);
    return { id: data + 1, valueOffset: variable?.offset ?? 0 };
  };
  return { header, mapOf };
}

/** `tbpf disasm`: list an ELF object, an RFC draft image or raw instruction bytes. */
export function registerDisasm(program: Command, io: Io): void {
  program
    .command('disasm')
    .description(
      'disassemble an ELF object, an RFC "bpf\\0" image or raw instruction bytes (detected from the content)',
    )
    .argument('<in>', 'input file')
    .option(
      '--style <style>',
      'llvm (llvm-objdump -d), kernel (bpftool prog dump xlated), asm (LLVM source that tbpf asm and llvm-mc reassemble) or ubpf (bpf_conformance syntax)',
      'llvm',
    )
    .option('--section <name>', 'only this section')
    .option('--raw-bytes', 'show the instruction bytes, as llvm-objdump -d does')
    .option('--alu32', 'w registers for 32-bit memory operations, as llvm-objdump --mattr=+alu32')
    .option('-r, --relocs', 'show relocations under their instructions (llvm-objdump -dr)')
    .option('-S, --source', "interleave source lines from the object's BTF line info (llvm-objdump -S)")
    .option('--json', 'machine-readable output: one object per instruction')
    .option(
      '--jited',
      'the x86-64 code the JIT generates instead (as bpftool prog dump jited; same as tbpf jited)',
    )
    .action(async (input: string, opts: DisasmOptions) => {
      if (opts.jited) {
        io.out(await jitedText(io, input, { section: opts.section, json: !!opts.json }));
        return;
      }
      if (!['llvm', 'kernel', 'asm', 'ubpf'].includes(opts.style)) {
        throw new CliError(`--style must be llvm, kernel, asm or ubpf, not '${opts.style}'`);
      }
      const { format, object, sections: all, data } = await load(io.readFile(input), input, !!opts.source);
      const sections = opts.section ? all.filter((s) => s.name === opts.section) : all;
      if (opts.section && sections.length === 0) {
        const names = all.map((s) => s.name).join(', ') || 'none';
        throw new CliError(`no code section '${opts.section}' (code sections: ${names})`, { file: input });
      }
      checkDecodes(sections, input, format);
      if (opts.style === 'asm') {
        io.out(formatAssembly(sections, opts.section ? [] : data));
        return;
      }
      if (opts.style === 'ubpf') {
        io.out(ubpfListing(sections));
        return;
      }
      const style = opts.style as DisasmStyle;
      if (opts.json) {
        io.out(
          `${JSON.stringify(disassembleJson(sections, { style, alu32: !!opts.alu32, helperName }), null, 2)}\n`,
        );
        return;
      }
      const maps = style === 'kernel' && format === 'elf' ? objectMaps(object, input) : undefined;
      const listing = disassemble(sections, {
        style,
        helperName,
        alu32: !!opts.alu32,
        rawBytes: !!opts.rawBytes,
        showRelocations: !!opts.relocs,
        ...(maps ? { mapOf: maps.mapOf } : {}),
      });
      if (maps?.header) io.out(maps.header);
      if (style === 'llvm' && format === 'elf') io.out(`\n${input}:\tfile format elf64-bpf\n`);
      io.out(listing.endsWith('\n') ? listing : `${listing}\n`);
    });
}
