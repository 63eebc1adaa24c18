// The LRU bundled in place of mnemonist/lru-cache behaves as mnemonist's does for every call the
// SDK's endpoint cache makes (get, set, has, peek, clear): the same random sequences of calls on
// both give the same answers.
import fc from 'fast-check';
import Mnemonist from 'mnemonist/lru-cache.js';
import { describe, expect, it } from 'vitest';
import LRUCache from '../../infra/lambda/lru-cache';

const op = fc.oneof(
  fc.record({ k: fc.constant('set' as const), key: fc.integer({ min: 0, max: 6 }), v: fc.integer() }),
  fc.record({
    k: fc.constantFrom('get' as const, 'has' as const, 'peek' as const),
    key: fc.integer({ min: 0, max: 6 }),
  }),
  fc.record({ k: fc.constant('clear' as const) }),
);

describe('infra/lambda/lru-cache.ts', () => {
  it('answers as mnemonist/lru-cache does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const ours = new LRUCache<number, number>(capacity);
        const theirs = new Mnemonist<number, number>(capacity);
        for (const o of ops) {
          if (o.k === 'set') {
            ours.set(o.key, o.v);
            theirs.set(o.key, o.v);
          } else if (o.k === 'clear') {
            ours.clear();
            theirs.clear();
          } else {
            expect(ours[o.k](o.key)).toEqual(theirs[o.k](o.key));
          }
          expect(ours.size).toBe(theirs.size);
        }
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('evicts the least recently used entry', () => {
    const c = new LRUCache<string, number>(2);
    c.set('a', 1).set('b', 2);
    c.get('a'); // b is now the oldest
    c.set('c', 3);
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
    c.peek('a'); // peek does not count as a use
    c.set('d', 4);
    expect([c.has('a'), c.has('c'), c.has('d')]).toEqual([false, true, true]);
  });
});
