// A token bucket: take() resolves when a send may go, keeping under `rate` per second.
export class Pacer {
  private tokens: number;
  private last = Date.now();
  private chain: Promise<void> = Promise.resolve();

  constructor(private rate: number) {
    this.tokens = Math.max(1, rate);
  }

  setRate(rate: number) {
    this.rate = Math.max(0.1, rate);
  }

  /** Waits for a token (callers are served in order). */
  take(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((now - this.last) / 1000) * this.rate);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.rate) * 1000)));
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
