/**
 * Every execution limit of the vm, in one place (DESIGN.md §5).
 */

/** Stack bytes per call frame (Linux MAX_BPF_STACK). r10 points one past the frame's top byte. */
export const STACK_SIZE = 512;
/** Maximum nesting of BPF-to-BPF calls, the entry frame included (Linux MAX_CALL_FRAMES). */
export const MAX_CALL_FRAMES = 8;
/** Bytes of the stack region each prepared program gets: one 512-byte stack per frame. */
export const STACK_REGION_SIZE = STACK_SIZE * MAX_CALL_FRAMES;
/** Default instruction limit of a run: 0 means none (verified programs terminate). */
export const DEFAULT_INSTRUCTION_LIMIT = 0;
