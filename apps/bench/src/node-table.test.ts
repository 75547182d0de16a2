import { describe, expect, test } from 'vitest';
import { NODE_PHASES, selectPhases } from './node-table.js';

describe('selectPhases', () => {
  const ids = (list: readonly { id: string }[]) => list.map((p) => p.id);

  test('every phase by default', () => {
    expect(selectPhases(undefined)).toBe(NODE_PHASES);
  });

  test("adds the references: 'none' always, 'disabled' for traced phases; keeps table order", () => {
    expect(ids(selectPhases(['disabled', 'none-again']))).toEqual(['none', 'none-again', 'disabled']);
    expect(ids(selectPhases(['bpf-jit']))).toEqual(['none', 'disabled', 'bpf-jit']);
  });

  test('refuses an unknown phase, naming the known ones', () => {
    expect(() => selectPhases(['bpf-ebpf' as never])).toThrow(
      /no phase 'bpf-ebpf' \(phases: none, none-again/,
    );
  });
});
