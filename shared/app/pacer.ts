// Paces sends under the account's rate (SES's maximum send rate): in every window of one second at
// most floor(rate) sends (below 1/s: one per 1/rate seconds). A sliding window of the last grants,
// not a token bucket: time a caller spends between sends (claiming, recording) is not lost — after
// a pause it may catch up — and still no one-second window ever holds more than the rate, the
// first one included. take() resolves when a send may go; callers are served in order.
/** A little over one second, so that a send made a moment after its grant stays in its window. */
export const WINDOW_MS = 1010;

export class Pacer {
  /** Times of the latest grants (at most `limit` of them), oldest first. */
  private grants: number[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  setRate(rate: number) {
    this.rate = Math.max(0.1, rate);
  }

  /** Sends allowed per window, and the window (ms). */
  private get shape() {
    return this.rate >= 1
      ? { limit: Math.floor(this.rate), window: WINDOW_MS }
      : { limit: 1, window: (WINDOW_MS / this.rate) | 0 };
  }

  /** Waits for a grant (callers are served in order). */
  take(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const { limit, window } = this.shape;
        const now = this.now();
        while (this.grants.length > limit) this.grants.shift(); // the rate went down
        const oldest = this.grants.length < limit ? undefined : this.grants[0];
        if (oldest === undefined || now - oldest >= window) {
          if (oldest !== undefined) this.grants.shift();
          this.grants.push(now);
          return;
        }
        await new Promise((r) => setTimeout(r, oldest + window - now));
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
