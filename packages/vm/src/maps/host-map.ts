/**
 * The base of maps programs cannot look into (perf event arrays, program arrays, queues, stacks,
 * bloom filters): Linux's
 * verifier lets programs pass them only to their own helpers, so nothing lives in the linear
 * memory but the descriptor, and the byte-level map operations find nothing and change nothing.
 * Subclasses keep their entries as JavaScript objects and give the host its own API.
 */
import { EINVAL } from '../errors.js';
import { BpfMap } from './map.js';

export abstract class HostMap extends BpfMap {
  lookupAt(): number {
    return 0;
  }
  updateAt(): number {
    return -EINVAL;
  }
  deleteAt(): number {
    return -EINVAL;
  }
  keys(): Uint8Array[] {
    return [];
  }
  protected find(): number {
    return 0;
  }
  protected put(): number {
    return -EINVAL;
  }
  protected remove(): number {
    return -EINVAL;
  }
}
