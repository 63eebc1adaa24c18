// The sender's pacer: never more than the rate in any one-second window, the first included; time
// spent between sends is made up (a sliding window, not a token bucket of capacity 1).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer, WINDOW_MS } from '../../../shared/app/pacer';

/** The most grants in any half-open window [t, t + 1000 ms). */
function maxInOneSecond(times: number[]) {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Takes `n` grants, one after another, each `gapMs` of other work after the previous grant. */
async function grants(p: Pacer, n: number, gapMs = 0) {
  const times: number[] = [];
  const run = (async () => {
    for (let i = 0; i < n; i++) {
      await p.take();
      times.push(Date.now());
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  await vi.runAllTimersAsync();
  await run;
  return times;
}

describe('Pacer', () => {
  it('50/s: 200 sends in four windows, never more than 50 in any second', async () => {
    const times = await grants(new Pacer(50), 200);
    expect(maxInOneSecond(times)).toBe(50);
    expect(times.at(-1)).toBe(3 * WINDOW_MS); // 50 at 0, 50 at 1 window, … : N / rate
  });

  it('concurrent callers share the rate and are served in order', async () => {
    const p = new Pacer(10);
    const order: number[] = [];
    const times: number[] = [];
    const all = Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        p.take().then(() => {
          order.push(i);
          times.push(Date.now());
        }),
      ),
    );
    await vi.runAllTimersAsync();
    await all;
    expect(order).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(maxInOneSecond(times)).toBe(10);
  });

  it('work between sends is made up: 20 ms per send at 25/s still takes N / rate, not N · (1/rate + 20 ms)', async () => {
    const times = await grants(new Pacer(25), 100, 20);
    expect(maxInOneSecond(times)).toBeLessThanOrEqual(25);
    expect(times.at(-1)!).toBeLessThan(4 * WINDOW_MS + 25 * 20); // a token bucket would need 100 · 60 ms
  });

  it('below 1/s: one send per 1/rate seconds', async () => {
    const times = await grants(new Pacer(0.5), 3);
    expect(times).toEqual([0, 2 * WINDOW_MS, 4 * WINDOW_MS]);
  });

  it('a lower rate applies at once', async () => {
    const p = new Pacer(50);
    const first = await grants(p, 50);
    p.setRate(10);
    const second = await grants(p, 20);
    const times = [...first, ...second];
    expect(maxInOneSecond(times.filter((t) => t >= WINDOW_MS))).toBeLessThanOrEqual(10);
  });
});
