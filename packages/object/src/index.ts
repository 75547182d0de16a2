export { BpfObject, type PacketRunOptions, Program } from './bpf-object.js';
export {
  AUTO_ENGINE_ORDER,
  ENGINES,
  type EngineChoice,
  engineAvailability,
  type Prepared,
  prepareProgram,
} from './engines.js';
export { ObjectError, type ObjectErrorDetails, type ObjectStage } from './errors.js';
export { kconfigFor } from './kconfig.js';
export type { LoadOptions } from './load.js';
export { compileC, type OpenOptions, openObject, parseHexBytes } from './open.js';
export { verifierType } from './program-types.js';
export { type MapInfo, ObjectSpec, type PickOptions, type ProgramInfo, pickProgram } from './spec.js';
export { TypedMap, type UpdateFlag } from './typed-map.js';
export { type BtfValue, btfCodec, sizeCodec, type ValueCodec, variablesCodec } from './value-codec.js';
