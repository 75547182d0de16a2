export { type DraftInsn, decodeDraftInsn, draft, draftOpcode, encodeDraftInsn } from './draft-insn.js';
export { RfcImageError } from './errors.js';
export { FILTER_EX1, FILTER_EX1_HELPERS, filterEx1Image } from './filter-ex1.js';
export { formatDraftInsn } from './format-draft.js';
export {
  isRfcImage,
  RFC_IMAGE_MAGIC,
  RFC_LIMITS,
  RFC_TABLE_TYPES,
  type RfcImage,
  type RfcImageInput,
  type RfcTable,
  readRfcImage,
  strtabName,
  writeRfcImage,
} from './image.js';
export {
  defaultRfcHelperId,
  TBPF_RFC_HELPER_IDS,
  type TranslateOptions,
  translateRfcImage,
} from './translate.js';
