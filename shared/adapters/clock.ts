import type { Clock } from '../app/ports';

export const systemClock: Clock = { now: () => new Date() };

/** The local runtime's clock: `/dev/clock` sets it; null returns to the real time. */
export class SettableClock implements Clock {
  private fixed: Date | null = null;
  set(at: Date | null) {
    this.fixed = at;
  }
  get isSet() {
    return this.fixed !== null;
  }
  now() {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
}
