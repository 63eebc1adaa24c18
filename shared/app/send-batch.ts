// A batch of queued notifications, each delivered once (deliver.ts), and what to do with the ones
// that cannot go now. The sender function only translates SQS records to `Received` and back.
// - throttled → a fresh copy is queued with a delay (exponential back-off, ≤ 15 min) and this one
//   is done: throttling is retried for as long as it lasts and never counts toward the DLQ's
//   maxReceiveCount (the same id makes the copy harmless: the claim is in state 'retry');
// - another attempt of the same id in flight → retry later (the message is postponed with
//   back-off); anything unexpected → retry later (SQS retries, then the DLQ, which alarms);
// - an SMS in quiet hours (HeldUntil) → retry at 08:00 Asia/Shanghai (postponed, ≤ 12 h; a hold
//   is one receive);
// - a permanent failure is recorded by deliver() and is a success here: it never blocks the batch;
// - a misconfigured channel (SendConfigError: unverified SES identity, wrong SMS origination
//   identity) pauses that channel for PAUSE_SECONDS (a marker every sender instance reads): the
//   message and every later one of the channel go back on the queue untried, with a delay, not
//   counted toward the DLQ; one SendConfigError metric per probe raises one alarm. After the
//   pause the next message probes again. A message deferred MAX_DEFERRALS times is given up
//   (recorded failed, audited), so nothing circulates forever;
// - an email to an address that bounces or complained (marked on its unit by the bounce handler)
//   is skipped and recorded with the reason (deliver()'s `suppressed`).
// Pace: at most settings.sesRatePerSecond / instances sends in any one second per instance (the
// event source runs at most `instances` batches at once; pacer.ts). The batch's first reads
// (settings, pause markers, its units) are one BatchGetItem. The first message of each channel in
// a batch goes alone: a misconfigured channel is probed by one message, and the others see the
// pause before they claim anything. Once the provider took the probe, the channel's other messages
// go together (deliverMany): their claims in one write, the sends concurrent (the pacer spaces
// them), their records and audit lines in one write.
import * as z from 'zod';
import { SMS_TEMPLATE_IDS } from '../domain/sms-templates';
import { defaultSettings } from '../domain/defaults';
import { bouncingReason } from './bounces';
import {
  type DeliverDeps,
  type DeliverOptions,
  type DeliveryOutcome,
  deliver,
  deliverMany,
  giveUp,
  HeldUntil,
  InFlight,
} from './deliver';
import { type Channel, METRIC, type Metrics, noMetrics } from './metrics';
import { Pacer } from './pacer';
import { type Log, type MessageQueue, SendConfigError, ThrottledError } from './ports';

/** A queued notification as the sender reads it (the queue is a boundary: validated). */
export const messageSchema = z.object({
  id: z.string().min(1).max(1000),
  channel: z.enum(['email', 'sms']),
  to: z.string().min(1),
  subject: z.string().optional(),
  text: z.string().min(1),
  unitId: z.string().min(1),
  obligationId: z.string().optional(),
  period: z.string().optional(),
  kind: z.string().min(1),
  recipient: z.string().optional(),
  throttled: z.number().int().min(0).optional(),
  template: z
    .object({ template: z.enum(SMS_TEMPLATE_IDS), params: z.record(z.string(), z.string().max(500)) })
    .optional(),
  deferred: z.number().int().min(0).optional(),
});
type QueuedMessage = z.infer<typeof messageSchema>;

/** A queue body as a notification, or null when it is not one (not JSON, or not the shape). */
function readMessage(body: string): QueuedMessage | null {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How long a misconfigured channel is paused before the next message probes it again. */
export const PAUSE_SECONDS = 900;
/** Deferrals (× PAUSE_SECONDS) before a message is given up: three days. */
export const MAX_DEFERRALS = 288;
export const pauseMarker = (channel: Channel) => `send-paused#${channel}`;

/** Back-off before the n-th retry: 10 s · 2^(n−1), at most 15 min (SQS's longest delay), with jitter. */
export const backoffSeconds = (n: number) =>
  Math.min(900, 10 * 2 ** Math.max(0, n - 1) * (0.75 + Math.random() / 2));

/** One received queue message: its body, how often it was received, and its handle for postponing. */
export type Received = {
  body: string;
  receiveCount: number;
  handle: { receiptHandle: string; eventSourceARN?: string };
};

export type SendDeps = DeliverDeps & {
  clock: NonNullable<DeliverDeps['clock']>;
  queue?: MessageQueue;
  metrics?: Metrics;
  log?: Log;
};

/**
 * Delivers batches at a shared pace. One per sender instance (the pacer's window spans batches);
 * `instances`: how many batches the event source runs at once, which share the rate.
 */
export class BatchSender {
  private readonly pacer = new Pacer(7);

  /**
   * Reads what the batch needs once (settings, pause markers, the units of its emails) and returns
   * the step that delivers one of its messages: it resolves when the message is done (sent,
   * recorded as failed, re-queued or deferred) and throws when the queue should deliver it again.
   */
  async begin(d: SendDeps, bodies: string[], instances: number): Promise<(r: Received) => Promise<void>> {
    const metrics = d.metrics ?? noMetrics;
    // Each body read once; one that is not a notification fails alone (its step throws), not the batch.
    const read = new Map(bodies.map((b) => [b, readMessage(b)] as const));
    const messages = [...read.values()];
    const unitIds = [...new Set(messages.flatMap((m) => (m?.channel === 'email' ? [m.unitId] : [])))];
    const inputs = await d.store.getSendInputs(unitIds, [pauseMarker('email'), pauseMarker('sms')]);
    const settings = inputs.settings ?? defaultSettings;
    const units = inputs.units;
    /** Until when each channel is paused (epoch ms; 0 = not paused). */
    const paused: Record<Channel, number> = {
      email: Date.parse(inputs.markers.get(pauseMarker('email')) ?? '') || 0,
      sms: Date.parse(inputs.markers.get(pauseMarker('sms')) ?? '') || 0,
    };
    this.pacer.setRate(settings.sesRatePerSecond / instances);
    const options: DeliverOptions = {
      settings,
      pace: (ch) => (ch === 'email' ? this.pacer.take() : Promise.resolve()),
      suppressed: (m) => (m.channel === 'email' ? bouncingReason(units.get(m.unitId), m.to) : undefined),
    };
    const queue = () => {
      if (!d.queue) throw new Error('dependency queue is not configured');
      return d.queue;
    };

    /** Puts the message back untried until the channel's pause ends (or gives it up). */
    const defer = async (msg: QueuedMessage, now: Date) => {
      const deferred = (msg.deferred ?? 0) + 1;
      if (deferred > MAX_DEFERRALS) {
        await giveUp(d, msg, now, 'sending stayed misconfigured; given up');
        metrics.add(METRIC.notificationsFailed, 1, { channel: msg.channel });
        return;
      }
      const seconds = Math.min(900, Math.max(1, Math.ceil((paused[msg.channel] - now.getTime()) / 1000)));
      await queue().enqueue([{ ...msg, deferred }], { delaySeconds: seconds });
      metrics.add(METRIC.notificationsDeferred, 1, { channel: msg.channel });
    };

    /** A message's delivery (`delivery`: its outcome, or the error it ended with) counted and acted on. */
    const settle = async (r: Received, msg: QueuedMessage, now: Date, delivery: Promise<DeliveryOutcome>) => {
      try {
        const outcome = await delivery;
        if (outcome === 'sent') metrics.add(METRIC.notificationsSent, 1, { channel: msg.channel });
        if (outcome === 'failed') metrics.add(METRIC.notificationsFailed, 1, { channel: msg.channel });
        if (outcome === 'suppressed')
          metrics.add(METRIC.notificationsSuppressed, 1, { channel: msg.channel });
        d.log?.info('notification', { kind: msg.kind, channel: msg.channel, outcome });
      } catch (err) {
        if (err instanceof SendConfigError) {
          // One clear signal, then quiet: pause the channel for every sender instance.
          paused[msg.channel] = now.getTime() + PAUSE_SECONDS * 1000;
          await d.store.setMarker(pauseMarker(msg.channel), new Date(paused[msg.channel]).toISOString());
          metrics.add(METRIC.sendConfigError, 1, { channel: msg.channel });
          d.log?.error('sending is misconfigured; channel paused', {
            channel: msg.channel,
            error: err.message,
            pausedSeconds: PAUSE_SECONDS,
          });
          return defer(msg, now);
        }
        if (err instanceof ThrottledError) {
          const throttled = (msg.throttled ?? 0) + 1;
          await queue().enqueue([{ ...msg, throttled }], { delaySeconds: backoffSeconds(throttled) });
          metrics.add(METRIC.notificationsThrottled, 1, { channel: msg.channel });
          d.log?.info('notification throttled; queued again', {
            kind: msg.kind,
            channel: msg.channel,
            throttled,
          });
          return;
        }
        if (err instanceof HeldUntil) {
          await queue().postpone?.(r.handle, (err.until.getTime() - now.getTime()) / 1000, 'held');
        } else if (err instanceof InFlight) {
          await queue().postpone?.(r.handle, backoffSeconds(r.receiveCount), 'retry');
        }
        d.log?.warn('notification not delivered now; SQS will retry', {
          kind: msg.kind,
          channel: msg.channel,
          error: err instanceof Error ? err.name : 'unknown',
        });
        throw err;
      }
    };

    /** One message on its own (a channel's probe; a second copy of an id in the batch). */
    const alone = async (r: Received, msg: QueuedMessage, sent?: () => void) => {
      const now = d.clock.now();
      if (paused[msg.channel] > now.getTime()) return defer(msg, now);
      return settle(r, msg, now, deliver(d, msg, now, { ...options, sent }));
    };

    // Each record's part, in record order (the batch processor calls the steps in that order): the
    // first message of each channel is its probe, the channel's other distinct ids go together
    // once the probe is done (deliverMany: their claims in one write, their records in one), and a
    // second copy of an id goes alone.
    type Role = 'probe' | 'alone' | 'group';
    const roles = new Map<string, Role[]>();
    const groups: Record<Channel, QueuedMessage[]> = { email: [], sms: [] };
    const seen = new Set<string>();
    const probed = new Set<Channel>();
    for (const body of bodies) {
      const msg = read.get(body);
      if (!msg) continue;
      let role: Role;
      if (!probed.has(msg.channel)) {
        probed.add(msg.channel);
        role = 'probe';
      } else if (seen.has(msg.id)) role = 'alone';
      else {
        role = 'group';
        groups[msg.channel].push(msg);
      }
      seen.add(msg.id);
      roles.set(body, [...(roles.get(body) ?? []), role]);
    }
    /**
     * Per channel: settles when the batch's first message of that channel was taken by the
     * provider (its record is written meanwhile), or else when its attempt is over (a
     * misconfigured channel is paused by then).
     */
    const probes: Partial<Record<Channel, Promise<unknown>>> = {};
    /** Per channel: the group's run — deferred as a whole while the channel is paused. */
    const runs: Partial<
      Record<Channel, Promise<{ now: Date; results?: Map<string, PromiseSettledResult<DeliveryOutcome>> }>>
    > = {};
    const runGroup = async (channel: Channel) => {
      const now = d.clock.now();
      if (paused[channel] > now.getTime()) return { now };
      const members = groups[channel];
      const settled = await deliverMany(d, members, now, options);
      return { now, results: new Map(members.map((m, i) => [m.id, settled[i]!] as const)) };
    };

    return async (r: Received) => {
      const msg = read.get(r.body);
      if (!msg) throw new Error('not a notification message');
      const role: Role = roles.get(r.body)?.shift() ?? 'alone';
      if (role === 'probe') {
        let taken!: () => void;
        const gate = new Promise<void>((res) => {
          taken = res;
        });
        const first = alone(r, msg, taken);
        // Never rejects: the probe's own error is its caller's (a lone probe's race is awaited by no one).
        probes[msg.channel] = Promise.race([gate, first.catch(() => undefined)]);
        return first;
      }
      await probes[msg.channel];
      if (role === 'alone') return alone(r, msg);
      runs[msg.channel] ??= runGroup(msg.channel);
      const { now, results } = await runs[msg.channel]!;
      if (!results) return defer(msg, now);
      const result = results.get(msg.id)!;
      return settle(
        r,
        msg,
        now,
        result.status === 'fulfilled' ? Promise.resolve(result.value) : Promise.reject(result.reason),
      );
    };
  }
}
