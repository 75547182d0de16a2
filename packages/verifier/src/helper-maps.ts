/**
 * Which helpers go with which map types, both ways (Linux's check_map_func_compatibility):
 * some map types may only be used with their own helpers (a prog_array only with tail_call),
 * and some helpers only take certain map types (tail_call only a prog_array).
 */
import { MAP_TYPES } from '@tbpf/asm';

const M = MAP_TYPES;

/** Map types usable only with the listed helpers (by name, without `bpf_`). */
const MAP_TYPE_HELPERS = new Map<number, readonly string[]>([
  [M.prog_array, ['tail_call']],
  [
    M.perf_event_array,
    ['perf_event_read', 'perf_event_output', 'perf_event_read_value', 'skb_output', 'xdp_output'],
  ],
  [
    M.ringbuf,
    [
      'ringbuf_output',
      'ringbuf_reserve',
      'ringbuf_query',
      'ringbuf_reserve_dynptr',
      'ringbuf_submit_dynptr',
      'ringbuf_discard_dynptr',
    ],
  ],
  [M.user_ringbuf, ['user_ringbuf_drain']],
  [M.stack_trace, ['get_stackid']],
  [M.cgroup_array, ['skb_under_cgroup', 'current_task_under_cgroup']],
  [M.cgroup_storage, ['get_local_storage']],
  [M.percpu_cgroup_storage, ['get_local_storage']],
  [M.devmap, ['redirect_map', 'map_lookup_elem']],
  [M.devmap_hash, ['redirect_map', 'map_lookup_elem']],
  [M.cpumap, ['redirect_map']],
  [M.xskmap, ['redirect_map', 'map_lookup_elem']],
  [M.array_of_maps, ['map_lookup_elem']],
  [M.hash_of_maps, ['map_lookup_elem']],
  [
    M.sockmap,
    [
      'sk_redirect_map',
      'sock_map_update',
      'msg_redirect_map',
      'sk_select_reuseport',
      'map_lookup_elem',
      'map_update_elem',
      'map_delete_elem',
    ],
  ],
  [
    M.sockhash,
    [
      'sk_redirect_hash',
      'sock_hash_update',
      'msg_redirect_hash',
      'sk_select_reuseport',
      'map_lookup_elem',
      'map_update_elem',
      'map_delete_elem',
    ],
  ],
  [M.reuseport_sockarray, ['sk_select_reuseport']],
  [M.queue, ['map_peek_elem', 'map_pop_elem', 'map_push_elem']],
  [M.stack, ['map_peek_elem', 'map_pop_elem', 'map_push_elem']],
  [M.bloom_filter, ['map_peek_elem', 'map_push_elem']],
  [M.sk_storage, ['sk_storage_get', 'sk_storage_delete', 'kptr_xchg']],
  [M.inode_storage, ['inode_storage_get', 'inode_storage_delete', 'kptr_xchg']],
  [M.task_storage, ['task_storage_get', 'task_storage_delete', 'kptr_xchg']],
  [M.cgrp_storage, ['cgrp_storage_get', 'cgrp_storage_delete', 'kptr_xchg']],
]);

const PERCPU = [M.percpu_array, M.percpu_hash, M.lru_percpu_hash];

/** Helpers that take only the listed map types. */
const HELPER_MAP_TYPES = new Map<string, readonly number[]>([
  ['tail_call', [M.prog_array]],
  ['perf_event_read', [M.perf_event_array]],
  ['perf_event_output', [M.perf_event_array]],
  ['perf_event_read_value', [M.perf_event_array]],
  ['skb_output', [M.perf_event_array]],
  ['xdp_output', [M.perf_event_array]],
  ['ringbuf_output', [M.ringbuf]],
  ['ringbuf_reserve', [M.ringbuf]],
  ['ringbuf_query', [M.ringbuf]],
  ['ringbuf_reserve_dynptr', [M.ringbuf]],
  ['user_ringbuf_drain', [M.user_ringbuf]],
  ['get_stackid', [M.stack_trace]],
  ['current_task_under_cgroup', [M.cgroup_array]],
  ['skb_under_cgroup', [M.cgroup_array]],
  ['redirect_map', [M.devmap, M.devmap_hash, M.cpumap, M.xskmap]],
  ['sk_redirect_map', [M.sockmap]],
  ['msg_redirect_map', [M.sockmap]],
  ['sock_map_update', [M.sockmap]],
  ['sk_redirect_hash', [M.sockhash]],
  ['msg_redirect_hash', [M.sockhash]],
  ['sock_hash_update', [M.sockhash]],
  ['get_local_storage', [M.cgroup_storage, M.percpu_cgroup_storage]],
  ['sk_select_reuseport', [M.reuseport_sockarray, M.sockmap, M.sockhash]],
  ['map_pop_elem', [M.queue, M.stack]],
  ['map_peek_elem', [M.queue, M.stack, M.bloom_filter]],
  ['map_push_elem', [M.queue, M.stack, M.bloom_filter]],
  ['map_lookup_percpu_elem', PERCPU],
  ['sk_storage_get', [M.sk_storage]],
  ['sk_storage_delete', [M.sk_storage]],
  ['inode_storage_get', [M.inode_storage]],
  ['inode_storage_delete', [M.inode_storage]],
  ['task_storage_get', [M.task_storage]],
  ['task_storage_delete', [M.task_storage]],
  ['cgrp_storage_get', [M.cgrp_storage]],
  ['cgrp_storage_delete', [M.cgrp_storage]],
]);

/** May helper `name` be called with a map of type `mapType`? */
export function mapFitsHelper(mapType: number, name: string): boolean {
  const onlyHelpers = MAP_TYPE_HELPERS.get(mapType);
  if (onlyHelpers && !onlyHelpers.includes(name)) return false;
  const onlyMaps = HELPER_MAP_TYPES.get(name);
  return !onlyMaps || onlyMaps.includes(mapType);
}
