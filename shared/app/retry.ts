// Read, decide, write on condition (the item's version or state), and do it again when the item
// changed in between: one loop, one bound, for every use case that changes a slot or a submission.
import { ConditionFailed } from './ports';

/** Attempts of a read–decide–conditional-write before giving up (the queue or the caller retries later). */
export const WRITE_ATTEMPTS = 5;

/**
 * Runs `attempt` until it does not throw ConditionFailed, at most WRITE_ATTEMPTS times. Each attempt
 * reads afresh (or uses what the previous one read after its write failed). The last ConditionFailed
 * is rethrown, or what `exhausted` makes of it (e.g. 409 for an HTTP caller).
 */
export async function retryOnConflict<T>(
  attempt: (n: number) => Promise<T>,
  exhausted: (err: ConditionFailed) => Error = (err) => err,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      if (n + 1 >= WRITE_ATTEMPTS) throw exhausted(err);
    }
  }
}
