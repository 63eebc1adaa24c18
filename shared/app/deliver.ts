// Delivering one queued notification exactly once (SPEC §4.3).
//
// The notification record is the guard, claimed with a conditional write BEFORE sending:
//
//   (none) ──claim──▶ sending ──ok──────────▶ sent     (final)
//                        │ ──permanent──────▶ failed   (final: bad address/number; audited)
//                        │ ──retryable──────▶ retry    (throttled, network…: the error is rethrown
//                        │                              so the queue redelivers with back-off)
//   retry ──redelivery, conditional retry→sending──▶ sending …
//
// A redelivery that finds 'sent' or 'failed' does nothing. One that finds 'sending' is a
// concurrent delivery of the same message: it throws InFlight (retry later, by then it is final).
// A 'sending' older than STALE_MS means the attempt died mid-send, so whether the provider took
// the message is unknown: it is marked failed ('interrupted') and audited rather than sent a
// second time — "sending it twice is impossible" wins over at-least-once; the office sees it.
//
// SMS quiet hours: outside 08:00–20:00 Asia/Shanghai nothing is claimed or sent; HeldUntil
// tells the queue when to deliver again (the next 08:00).
//
// A misconfigured channel (SendConfigError: unverified sender, wrong SMS identity) releases the
// claim like any retryable error; the sender then pauses that channel (functions/sender).
// An address the caller says is suppressed (it bounces or complained) is recorded as failed with
// that reason and audited 'notice-suppressed', never sent.
import type { Settings } from '../domain/model';
import { smsHeldUntil } from '../domain/quiet-hours';
import { toWellFormed } from '../domain/text';
import { audit } from './audit';
import {
  type Clock,
  ConditionFailed,
  type Mailer,
  type NotificationRecord,
  type OutgoingMessage,
  PermanentDeliveryError,
  type SmsSender,
  type Store,
  type WriteOp,
} from './ports';

export const STALE_MS = 15 * 60 * 1000;

/** Not now: deliver this message again at `until` (SMS quiet hours). */
export class HeldUntil extends Error {
  constructor(readonly until: Date) {
    super(`held until ${until.toISOString()}`);
    this.name = 'HeldUntil';
  }
}

/** Another delivery of the same notification is in progress: retry later. */
export class InFlight extends Error {
  constructor(id: string) {
    super(`notification ${id} is being delivered by another attempt`);
    this.name = 'InFlight';
  }
}

/** The SMS body as sent: the registered 【signature】 first (once). */
export function smsBody(signature: string, text: string): string {
  return text.startsWith(signature) ? text : `${signature}${text}`;
}

export type DeliverDeps = { store: Store; clock?: Clock; mailer?: Mailer; sms?: SmsSender };
export type DeliverOptions = {
  /** The settings (sender address, SMS signature), read once per batch by the caller. */
  settings: Settings;
  /** Waits for a sending slot (the account's SES rate), called right before each send. */
  pace?: (channel: OutgoingMessage['channel']) => Promise<void>;
  /** Why this message must not be sent (e.g. its address bounces), or undefined to send it. */
  suppressed?: (msg: OutgoingMessage) => string | undefined;
  /** Told as soon as the provider took the message (before its record is written). */
  sent?: (msg: OutgoingMessage) => void;
};
export type DeliveryOutcome = 'sent' | 'duplicate' | 'failed' | 'suppressed';

/** Ids may embed an address (e.g. a receipt's id): the audit keeps them without it. */
const withoutAddresses = (s: string) =>
  s.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]').replace(/\+\d{7,15}/g, '[phone]');
const errorName = (err: unknown) => (err instanceof Error ? err.name : 'Error');
/** Provider messages may quote the address; the record and the audit keep the error's kind only. */
const reason = (err: unknown) => (err instanceof PermanentDeliveryError ? err.message : errorName(err));

function noticeAudit(
  msg: OutgoingMessage,
  now: Date,
  action: 'notice-sent' | 'notice-failed' | 'notice-suppressed',
  error?: string,
) {
  return audit({
    unitId: msg.unitId,
    at: now,
    actor: 'system',
    action,
    ...(msg.obligationId ? { obligationId: msg.obligationId } : {}),
    ...(msg.period ? { period: msg.period } : {}),
    // No address here: the audit names the kind, channel and the recipient's role.
    detail: {
      notificationId: withoutAddresses(msg.id),
      kind: msg.kind,
      channel: msg.channel,
      recipient: msg.recipient ?? null,
      ...(error ? { error } : {}),
    },
  });
}

export async function deliver(
  d: DeliverDeps,
  msg: OutgoingMessage,
  now: Date,
  opts: DeliverOptions,
): Promise<DeliveryOutcome> {
  heldOrNot(msg, now);
  const claimed = await d.store.claimNotification(claimOf(msg, now));
  const early = claimed ? undefined : await afterRefusedClaim(d.store, msg, now);
  if (early) return early;
  const done = await sendClaimed(d, msg, now, opts);
  await finish(d.store, done);
  return done.outcome;
}

/**
 * Several messages delivered at once, each exactly as deliver() would, with fewer writes: their
 * claims in one transaction (all new ids, as usual; should any have been claimed before, nothing
 * is applied and each is claimed on its own, as deliver() does), and, once every send is done,
 * their records and audit lines in one transaction (should any record no longer be 'sending',
 * each is written on its own). Ids must be distinct. Each message's outcome or error, in order.
 */
export async function deliverMany(
  d: DeliverDeps,
  msgs: OutgoingMessage[],
  now: Date,
  opts: DeliverOptions,
): Promise<PromiseSettledResult<DeliveryOutcome>[]> {
  const { store } = d;
  const results: PromiseSettledResult<DeliveryOutcome>[] = new Array(msgs.length);
  const go: number[] = [];
  msgs.forEach((msg, i) => {
    try {
      heldOrNot(msg, now);
      go.push(i);
    } catch (reason) {
      results[i] = { status: 'rejected', reason };
    }
  });
  let claimed: boolean[];
  try {
    claimed = await store.claimNotifications(go.map((i) => claimOf(msgs[i]!, now)));
  } catch (reason) {
    for (const i of go) results[i] = { status: 'rejected', reason };
    return results;
  }
  const finished: Finished[] = [];
  const owners: number[] = [];
  await Promise.all(
    go.map(async (i, k) => {
      const msg = msgs[i]!;
      try {
        const early = claimed[k] ? undefined : await afterRefusedClaim(store, msg, now);
        if (early) {
          results[i] = { status: 'fulfilled', value: early };
          return;
        }
        finished.push(await sendClaimed(d, msg, now, opts));
        owners.push(i);
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }),
  );
  const written = await finishMany(store, finished);
  written.forEach((r, k) => {
    results[owners[k]!] = r.status === 'fulfilled' ? { status: 'fulfilled', value: finished[k]!.outcome } : r;
  });
  return results;
}

/** SMS quiet hours: outside 08:00–20:00 Asia/Shanghai nothing is claimed or sent. */
function heldOrNot(msg: OutgoingMessage, now: Date) {
  if (msg.channel === 'sms') {
    const until = smsHeldUntil(now);
    if (until) throw new HeldUntil(until);
  }
}

const claimOf = (msg: OutgoingMessage, now: Date): NotificationRecord => ({
  id: msg.id,
  channel: msg.channel,
  to: msg.to,
  status: 'sending',
  at: now.toISOString(),
  kind: msg.kind,
  attempts: 1,
});

/**
 * The claim was refused (the id was claimed before): 'duplicate' or 'failed' when there is nothing
 * to send, undefined when the claim was taken back (a 'retry'), InFlight when another attempt has it.
 */
async function afterRefusedClaim(
  store: Store,
  msg: OutgoingMessage,
  now: Date,
): Promise<DeliveryOutcome | undefined> {
  const at = now.toISOString();
  const rec = await store.getNotification(msg.id);
  if (!rec) throw new InFlight(msg.id);
  if (rec.status === 'sent' || rec.status === 'failed') return 'duplicate';
  if (rec.status === 'sending') {
    if (now.getTime() - Date.parse(rec.at) < STALE_MS) throw new InFlight(msg.id);
    const error = 'interrupted: the outcome of an earlier attempt is unknown';
    try {
      await store.write([
        { type: 'notificationStatus', id: msg.id, status: 'failed', error, ifStatus: 'sending', at },
        noticeAudit(msg, now, 'notice-failed', error),
      ]);
      return 'failed';
    } catch (err) {
      if (err instanceof ConditionFailed) return 'duplicate';
      throw err;
    }
  }
  // 'retry' (or a legacy 'queued'): take the claim back, unless another attempt just did.
  if (!(await store.updateNotification(msg.id, 'sending', undefined, rec.status, at)))
    throw new InFlight(msg.id);
  return undefined;
}

/** What a claimed message's delivery leaves to record: its outcome, final status and audit line. */
type Finished = {
  msg: OutgoingMessage;
  outcome: 'sent' | 'failed' | 'suppressed';
  status: 'sent' | 'failed';
  error: string | undefined;
  at: string;
  line: WriteOp;
};

/**
 * Sends a claimed message (unless suppressed). A permanent failure is an outcome; any other error
 * releases the claim for a redelivery ('retry') and is rethrown. The record is left to the caller.
 */
async function sendClaimed(
  d: DeliverDeps,
  msg: OutgoingMessage,
  now: Date,
  opts: DeliverOptions,
): Promise<Finished> {
  const { store } = d;
  const at = now.toISOString();
  const skip = opts.suppressed?.(msg);
  if (skip) {
    const error = `suppressed: ${skip}`;
    const line = noticeAudit(msg, now, 'notice-suppressed', error);
    return { msg, outcome: 'suppressed', status: 'failed', error, at, line };
  }

  const { settings } = opts;
  try {
    await opts.pace?.(msg.channel);
    if (msg.channel === 'email') {
      if (!d.mailer) throw new Error('no mailer configured');
      await d.mailer.send({
        from: settings.senderEmail,
        to: msg.to,
        // Text stored before SPEC §5 was enforced may hold a lone surrogate, which no provider
        // encodes: it goes out as U+FFFD rather than failing the message every day.
        subject: toWellFormed(msg.subject ?? ''),
        text: toWellFormed(msg.text),
        unitId: msg.unitId,
      });
    } else {
      if (!d.sms) throw new Error('no SMS sender configured');
      await d.sms.send({
        to: msg.to,
        text: toWellFormed(smsBody(settings.smsSignature, msg.text)),
        ...(msg.template ? { template: msg.template } : {}),
      });
    }
  } catch (err) {
    if (err instanceof PermanentDeliveryError) {
      const error = reason(err);
      return {
        msg,
        outcome: 'failed',
        status: 'failed',
        error,
        at,
        line: noticeAudit(msg, now, 'notice-failed', error),
      };
    }
    // Release the claim for a redelivery; the error goes back to the queue.
    await store.updateNotification(msg.id, 'retry', reason(err), 'sending', at);
    throw err;
  }
  opts.sent?.(msg);
  return {
    msg,
    outcome: 'sent',
    status: 'sent',
    error: undefined,
    at,
    line: noticeAudit(msg, now, 'notice-sent'),
  };
}

const recordOps = (f: Finished): WriteOp[] => [
  {
    type: 'notificationStatus',
    id: f.msg.id,
    status: f.status,
    ...(f.error ? { error: f.error } : {}),
    ifStatus: 'sending',
    at: f.at,
  },
  f.line,
];

/** The records of several finished messages in one write; each on its own should a condition fail. */
async function finishMany(store: Store, done: Finished[]): Promise<PromiseSettledResult<void>[]> {
  if (done.length > 1)
    try {
      await store.write(done.flatMap(recordOps));
      return done.map(() => ({ status: 'fulfilled', value: undefined }));
    } catch (err) {
      if (!(err instanceof ConditionFailed)) return done.map(() => ({ status: 'rejected', reason: err }));
    }
  return Promise.allSettled(done.map((f) => finish(store, f)));
}

/**
 * A claimed message's final status and its audit line, in one write (one request after the
 * claim). Should the record no longer be 'sending' (another attempt judged this one stale), the
 * audit line is written alone: what happened is recorded either way, the record is not overwritten.
 */
async function finish(store: Store, f: Finished) {
  try {
    await store.write(recordOps(f));
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    await store.write([f.line]);
  }
}

/**
 * Gives a message up without sending it (its channel stayed misconfigured too long): recorded as
 * failed and audited, unless it was sent or failed already. Idempotent.
 */
export async function giveUp(d: { store: Store }, msg: OutgoingMessage, now: Date, error: string) {
  const at = now.toISOString();
  const rec = { id: msg.id, channel: msg.channel, to: msg.to, at, kind: msg.kind, attempts: 0 } as const;
  const taken =
    (await d.store.claimNotification({ ...rec, status: 'failed', error })) ||
    (await d.store.updateNotification(msg.id, 'failed', error, 'retry', at));
  if (taken) await d.store.write([noticeAudit(msg, now, 'notice-failed', error)]);
}
