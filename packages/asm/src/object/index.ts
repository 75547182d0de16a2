export { ByteReader } from '../elf/byte-reader.js';
export { BPF_RELOC_NAMES, EM_BPF } from '../elf/constants.js';
export { ElfError } from '../elf/errors.js';
export {
  type ElfFile,
  type ElfRelocation,
  type ElfRelocationSection,
  type ElfSection,
  type ElfSymbol,
  readElf,
} from '../elf/read-elf.js';
export {
  type ElfOutput,
  type ElfOutRelocation,
  type ElfOutSection,
  type ElfOutSymbol,
  StringTable,
  type SymbolVisibility,
  writeElf,
} from '../elf/write-elf.js';
export { btfJson, formatBtf, formatBtfC } from './btf-dump.js';
export { type BtfExt, btfSizeOf, CORE_RELO_KINDS, readBtf, readBtfExt, skipModifiers } from './btf-read.js';
export * from './btf-types.js';
export { BtfBuilder, type BtfCoreRelo, type BtfExtSection, encodeBtf } from './btf-write.js';
export {
  type CorePoison,
  type CoreRelocation,
  CoreRelocationError,
  essentialName,
  POISON_HELPER,
} from './core-relocations.js';
export {
  type ExternSpec,
  KCONFIG_SECTION,
  KconfigError,
  type KconfigLayout,
  type KconfigType,
  type KconfigValues,
  KSYMS_SECTION,
  kconfigData,
  LINUX_KCONFIG_NAMES,
} from './externs.js';
export { BUILTIN_HELPERS, LinkError, type LinkOptions, linkAll, linkProgram } from './link.js';
export { type MapDefinition, ObjectBuilder, type SymbolOptions } from './object-builder.js';
export { isGlobalDataSection, MAX_GLOBAL_DATA } from './read-maps.js';
export { readObject } from './read-object.js';
export * from './section-types.js';
export * from './types.js';
export {
  type AssembledInput,
  type WriteAssembledOptions,
  writeAssembled,
  writeObject,
} from './write-object.js';
