// The DynamoDB store: implements the Store port on the single table (key shapes in ./keys.ts).
import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand as RawQueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { AppError } from '../../domain/errors';
import { scoreCode } from '../../domain/score';
import { isWellFormed } from '../../domain/text';
import { FORM_RECORD_GRACE_SECONDS, UPLOAD_EXPIRY_SECONDS } from '../../app/submissions';
import type {
  AuditEvent,
  DutyEvent,
  IsoDate,
  Obligation,
  Settings,
  Slot,
  Submission,
  Unit,
} from '../../domain/model';
import {
  type BoardSlot,
  ConditionFailed,
  type NotificationRecord,
  type Page,
  type PageRequest,
  type ReceiptContext,
  type ScoreCard,
  type Store,
  type UnitName,
  type WriteOp,
} from '../../app/ports';
import { keys, SHARDS } from './keys';
import { TTL_ATTRIBUTE } from './table';

type Item = Record<string, unknown>;

/** The attributes of a slot the board shows (a projection: no keys, no notice keys, no version). */
const BOARD_ATTRIBUTES = [
  'unitId',
  'unitName',
  'state',
  'deadline',
  'effectiveDeadline',
  'onTime',
  'lateDays',
  'submittedAt',
  'extendedUntil',
  'escalationLevel',
  'remindersSent',
  'chaseCount',
  'latestSubmissionId',
  'acknowledgedAt',
] as const satisfies readonly (keyof BoardSlot)[];
const BOARD_PROJECTION = {
  ProjectionExpression: BOARD_ATTRIBUTES.map((_, i) => `#p${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(BOARD_ATTRIBUTES.map((a, i) => [`#p${i}`, a])),
};
type RawItem = Record<string, AttributeValue>;
/**
 * A scalar attribute's value (S, N, BOOL, NULL: all the board and the unit names read), without
 * the document client's generic unmarshalling (a board reads thousands of items).
 */
const scalar = (v: AttributeValue | undefined): unknown => {
  if (v === undefined) return undefined;
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL) return null;
  throw new Error(`not a scalar attribute: ${Object.keys(v).join(',')}`);
};
const boardSlotOf = (item: RawItem): BoardSlot => {
  const out: Record<string, unknown> = {};
  for (const a of BOARD_ATTRIBUTES) {
    const v = scalar(item[a]);
    if (v !== undefined) out[a] = v;
  }
  return out as BoardSlot;
};
const rawKey = (key: Item) => ({ PK: { S: String(key.PK) }, SK: { S: String(key.SK) } });
const plainKey = (key: RawItem) => ({ PK: key.PK?.S, SK: key.SK?.S });
type Put = {
  TableName: string;
  Item: Item;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
};

const KEY_ATTRS = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  '_type',
  'expiresAt',
];
const strip = <T>(item: Item | undefined): T | null => {
  if (!item) return null;
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.includes(k)) out[k] = v;
  return out as T;
};

export const encodeCursor = (key: Item | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
/**
 * The start key a cursor carries, if this API issued it for this partition: exactly `{ PK, SK }`,
 * PK the partition being read, canonical encoding. Anything else — a forged key, another
 * partition's, a key DynamoDB would refuse — is 400 `invalid_input` on `cursor`, never a 500.
 */
export function decodeCursor(cursor: string | undefined, pk: string): Item | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).sort().join(',') === 'PK,SK' &&
      (v as Item).PK === pk &&
      typeof (v as Item).SK === 'string' &&
      isCursorKey((v as Item).SK as string) &&
      encodeCursor(v as Item) === cursor
    )
      return v as Item;
  } catch {
    // fall through
  }
  throw new AppError('invalid_input', 'invalid cursor', [
    { field: 'cursor', message: 'not a cursor this API issued' },
  ]);
}
const isCursorKey = (sk: string) => sk.length > 0 && sk.length <= 1024 && isWellFormed(sk);
const partitionOf = (input: Omit<QueryCommandInput, 'TableName'>) => {
  const pk = input.ExpressionAttributeValues?.[':pk'];
  if (
    input.IndexName ||
    input.KeyConditionExpression?.split(' AND ')[0] !== 'PK = :pk' ||
    typeof pk !== 'string'
  )
    throw new Error('queryPage pages one base-table partition (PK = :pk)');
  return pk;
};

/** A put that requires a new item (`expected` undefined) or `attr` still equal to `expected`. */
const guarded = (TableName: string, Item: Item, attr: string, expected: unknown): Put =>
  expected === undefined
    ? { TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        TableName,
        Item,
        ConditionExpression: '#a = :a',
        ExpressionAttributeNames: { '#a': attr },
        ExpressionAttributeValues: { ':a': expected },
      };

type Update = {
  TableName: string;
  Key: { PK: string; SK: string };
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Item;
};

const yearOfIso = (iso: string) => Number(iso.slice(0, 4));
/** A slot's year (every period begins with its year; an event's id with the day it occurred). */
const yearOfSlot = (s: Slot) => Number(s.period.slice(0, 4));
/**
 * A score card's entry for a slot: its version, 8 digits, `|` and its scoreCode — one string, so
 * that "an older version" is a string comparison a condition can make (`entry < "<version>|"`).
 */
const VERSION_DIGITS = 8;
const versionPrefix = (version: number) => `${String(version).padStart(VERSION_DIGITS, '0')}|`;
const entryOf = (s: Slot) => `${versionPrefix(s.version)}${scoreCode(s)}`;
const cardName = (s: Slot) => `${yearOfSlot(s)}#${s.unitId}`;
/** The most entries one UpdateItem of the backfill sets (its expressions stay far below 4 KB). */
const ENTRIES_PER_UPDATE = 20;

const isConflict = (err: unknown) =>
  err instanceof TransactionConflictException ||
  (err instanceof TransactionCanceledException &&
    (err.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
    !(err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));
const pause = (attempt: number) =>
  new Promise((res) => setTimeout(res, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));
/** Attempts of a write that lost a race to another transaction on the same item (nothing applied). */
const CONFLICT_ATTEMPTS = 8;
/** An awaiting-upload record lives this long after its form expired (a late S3 event still finds it). */
const formRecordExpiry = (createdAt: string) =>
  Math.floor(Date.parse(createdAt) / 1000) + UPLOAD_EXPIRY_SECONDS + FORM_RECORD_GRACE_SECONDS;
const AUDIT_TTL_SECONDS = undefined; // the audit trail is kept; TTL is used only for stale notifications
/**
 * A notification record (the sender's exactly-once claim on a message id, with its address) is
 * deleted by TTL this long after its last change: far beyond any redelivery of that id (SQS keeps
 * a message 4 days, a DLQ 14; reruns of a sweep or chase use the day's ids), and the audit trail
 * keeps what was sent. It also stops keeping contact addresses longer than needed.
 */
export const NOTIFICATION_TTL_SECONDS = 90 * 24 * 3600;
const notificationExpiry = (at: string | undefined) =>
  Math.floor((at ? Date.parse(at) : Date.now()) / 1000) + NOTIFICATION_TTL_SECONDS;

export class DynamoStore implements Store {
  private readonly doc: DynamoDBDocumentClient;
  /** Per score card, the tail of this process's writes to it (they go one after another). */
  private readonly cardTails = new Map<string, Promise<void>>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  // ---- writes -------------------------------------------------------------------------------

  private toPut(op: Exclude<WriteOp, { type: 'notificationStatus' }>): Put {
    const TableName = this.table;
    switch (op.type) {
      case 'putUnit':
        return { TableName, Item: { ...op.unit, ...keys.unit(op.unit.unitId), _type: 'unit' } };
      case 'putObligation':
        return {
          TableName,
          Item: { ...op.obligation, ...keys.obligation(op.obligation.obligationId), _type: 'obligation' },
        };
      case 'putSettings':
        return { TableName, Item: { ...op.settings, ...keys.settings(), _type: 'settings' } };
      case 'putCalendar':
        return {
          TableName,
          Item: {
            year: op.year,
            holidays: op.holidays,
            workdays: op.workdays,
            ...keys.calendar(op.year),
            _type: 'calendar',
          },
        };
      case 'putSlot': {
        const s = op.slot;
        const id = keys.slotId(s.obligationId, s.period, s.unitId);
        const Item: Item = {
          ...s,
          ...keys.slot(s.obligationId, s.period, s.unitId),
          ...keys.slotGsi1(s.unitId, s.obligationId, s.period),
          ...(s.nextActionDate ? keys.nextAction(id, s.nextActionDate) : {}),
          // Owing and never received: overdue as soon as the effective deadline has passed, even
          // before the next sweep marks it so.
          ...(s.state === 'overdue' || s.state === 'open' ? keys.overdue(id, s.effectiveDeadline) : {}),
          _type: 'slot',
        };
        return guarded(TableName, Item, 'version', op.ifVersion === 0 ? undefined : op.ifVersion);
      }
      case 'putSubmission': {
        const s = op.submission;
        const Item: Item = {
          ...s,
          ...keys.submission(s.submissionId),
          ...keys.submissionGsi1(s.unitId, s.obligationId, s.period, s.createdAt),
          _type: 'submission',
          // An unused upload form's record expires (TTL) after the form does; once received or
          // rejected the record is rewritten without it and kept.
          ...(s.state === 'awaiting-upload' ? { expiresAt: formRecordExpiry(s.createdAt) } : {}),
        };
        return guarded(TableName, Item, 'state', op.ifState);
      }
      case 'putEvent': {
        const e = op.event;
        return {
          TableName,
          Item: { ...e, ...keys.event(yearOfIso(e.occurredOn), e.unitId, e.eventId), _type: 'event' },
          ConditionExpression: 'attribute_not_exists(PK)',
        };
      }
      case 'audit': {
        const e = op.event;
        return {
          TableName,
          Item: {
            ...e,
            ...keys.audit(e.unitId, yearOfIso(e.at), e.at, ulid()),
            _type: 'audit',
            expiresAt: AUDIT_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        };
      }
    }
  }

  /**
   * The score cards' updates for the slots among these ops: one Update per card, setting each
   * slot's entry (its version and scoreCode) — applied in the same transaction as the slots, so a
   * card changes exactly when its slots do, and a replayed or refused write changes neither.
   */
  private cardUpdates(ops: WriteOp[]): Update[] {
    const byCard = new Map<string, Slot[]>();
    for (const op of ops) {
      if (op.type !== 'putSlot') continue;
      const name = cardName(op.slot);
      byCard.set(name, [...(byCard.get(name) ?? []), op.slot]);
    }
    return [...byCard.values()].map((slots) => {
      const last = slots[slots.length - 1]!;
      const names: Record<string, string> = { '#t': '_type', '#u': 'unitId', '#n': 'unitName' };
      const values: Item = { ':t': 'scores', ':u': last.unitId, ':n': last.unitName };
      const sets = ['#t = :t', '#u = :u', '#n = :n'];
      slots.forEach((slot, i) => {
        names[`#e${i}`] = keys.scoreEntry(slot.obligationId, slot.period);
        values[`:e${i}`] = entryOf(slot);
        sets.push(`#e${i} = :e${i}`);
      });
      return {
        TableName: this.table,
        Key: keys.scoreCard(yearOfSlot(last), last.unitId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
    });
  }

  async write(ops: WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    const items: Array<{ Put: Put } | { Update: Update }> = ops.map((op) =>
      op.type === 'notificationStatus'
        ? { Update: this.notificationUpdate(op.id, op.status, op.error, op.ifStatus, op.at) }
        : { Put: this.toPut(op) },
    );
    const cards = this.cardUpdates(ops);
    const cardKeys = cards.map((u) => `${u.Key.PK}#${u.Key.SK}`);
    try {
      const only = items.length === 1 && cards.length === 0 ? items[0]! : undefined;
      if (only && 'Put' in only) await this.doc.send(new PutCommand(only.Put));
      else if (only) await this.doc.send(new UpdateCommand(only.Update));
      else
        await this.oneAtATime(cardKeys, async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              await this.doc.send(
                new TransactWriteCommand({
                  TransactItems: [...items, ...cards.map((Update) => ({ Update }))],
                }),
              );
              return;
            } catch (err) {
              // Another transaction held one of the items (e.g. the same unit's card, written
              // from another process): nothing was applied, so the same write is tried again.
              if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS - 1) throw err;
              await pause(attempt);
            }
          }
        });
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed();
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw new ConditionFailed();
      }
      throw err;
    }
  }

  /**
   * Runs `fn` once this process's earlier writes to the same score cards are done, so the slots
   * of one unit written side by side (a unit's slots opened at once) do not make DynamoDB refuse
   * all but one of their transactions. Cards are taken in order, so two writes never wait on each other.
   */
  private async oneAtATime(cardKeys: string[], fn: () => Promise<void>): Promise<void> {
    const names = [...new Set(cardKeys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const name of names) {
        const before = this.cardTails.get(name) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((res) => {
          release = res;
        });
        const tail = before.then(() => mine);
        this.cardTails.set(name, tail);
        releases.push(() => {
          release();
          if (this.cardTails.get(name) === tail) this.cardTails.delete(name);
        });
        await before;
      }
      await fn();
    } finally {
      for (const release of releases) release();
    }
  }

  async keepScores(slots: Slot[]): Promise<void> {
    const byCard = new Map<string, Slot[]>();
    for (const s of slots) byCard.set(cardName(s), [...(byCard.get(cardName(s)) ?? []), s]);
    const update = async (group: Slot[]) => {
      const first = group[0]!;
      const names: Record<string, string> = { '#t': '_type', '#u': 'unitId', '#n': 'unitName' };
      const values: Item = { ':t': 'scores', ':u': first.unitId, ':n': first.unitName };
      const sets = ['#t = :t', '#u = :u', '#n = if_not_exists(#n, :n)'];
      const conditions: string[] = [];
      group.forEach((slot, i) => {
        names[`#e${i}`] = keys.scoreEntry(slot.obligationId, slot.period);
        values[`:e${i}`] = entryOf(slot);
        values[`:v${i}`] = versionPrefix(slot.version);
        sets.push(`#e${i} = :e${i}`);
        // The card may already hold this slot's entry from this or a later version: never go back.
        conditions.push(`(attribute_not_exists(#e${i}) OR #e${i} < :v${i})`);
      });
      for (let attempt = 0; ; attempt++) {
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: keys.scoreCard(yearOfSlot(first), first.unitId),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression: conditions.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          return true;
        } catch (err) {
          if (err instanceof ConditionalCheckFailedException) return false;
          if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS - 1) throw err;
          await pause(attempt);
        }
      }
    };
    const groups = [...byCard.values()].flatMap((card) => {
      const out: Slot[][] = [];
      for (let i = 0; i < card.length; i += ENTRIES_PER_UPDATE)
        out.push(card.slice(i, i + ENTRIES_PER_UPDATE));
      return out;
    });
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        // All at once; when one entry is newer on the card, each of the others on its own.
        if (!(await update(group)) && group.length > 1) for (const slot of group) await update([slot]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, groups.length) }, worker));
  }

  async appendAudit(events: AuditEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 25) {
      let requests: Array<{ PutRequest: { Item: Item } }> = events
        .slice(i, i + 25)
        .map((event) => ({ PutRequest: { Item: this.toPut({ type: 'audit', event }).Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (r.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length > 0)
          await new Promise((res) => setTimeout(res, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  private async get<T>(key: { PK: string; SK: string }): Promise<T | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: key }));
    return strip<T>(r.Item);
  }

  /** Every page of a query (for partitions known to be small). */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const r = await this.doc.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey }));
      out.push(...(r.Items ?? []));
      ExclusiveStartKey = r.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  /** Pages a query of one base-table partition (`PK = :pk`). */
  private async queryPage(
    input: Omit<QueryCommandInput, 'TableName'>,
    page: PageRequest = {},
  ): Promise<Page<Item>> {
    const limit = page.limit ?? 1000;
    const items: Item[] = [];
    let ExclusiveStartKey = decodeCursor(page.cursor, partitionOf(input));
    do {
      const r = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey, Limit: limit - items.length }),
      );
      items.push(...(r.Items ?? []));
      ExclusiveStartKey = r.LastEvaluatedKey;
    } while (ExclusiveStartKey && items.length < limit);
    return { items, nextCursor: encodeCursor(ExclusiveStartKey) };
  }

  /**
   * As queryPage (or, without `page`, every page as queryAll), on the low-level client (with a
   * projection, if given), each item read by `read` from its attribute values (for reads of
   * thousands of items: no generic unmarshalling).
   */
  private async rawQueryPage<T>(
    pk: string,
    projection: { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } | undefined,
    read: (item: RawItem) => T,
    page?: PageRequest,
  ): Promise<Page<T>> {
    const limit = page ? (page.limit ?? 1000) : Number.POSITIVE_INFINITY;
    const items: T[] = [];
    const start = decodeCursor(page?.cursor, pk);
    let ExclusiveStartKey: RawItem | undefined = start ? rawKey(start) : undefined;
    do {
      const r = await this.client.send(
        new RawQueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ...projection,
          ExclusiveStartKey,
          ...(page ? { Limit: limit - items.length } : {}),
        }),
      );
      for (const i of r.Items ?? []) items.push(read(i));
      ExclusiveStartKey = r.LastEvaluatedKey;
    } while (ExclusiveStartKey && items.length < limit);
    return { items, nextCursor: encodeCursor(ExclusiveStartKey && plainKey(ExclusiveStartKey)) };
  }

  getUnit(unitId: string) {
    return this.get<Unit>(keys.unit(unitId));
  }
  async getUnits(unitIds: string[]): Promise<Map<string, Unit>> {
    const items = await this.batchGet([...new Set(unitIds)].map((id) => keys.unit(id)));
    return new Map(items.map((i) => strip<Unit>(i)!).map((u) => [u.unitId, u]));
  }

  /** BatchGetItem in chunks of 100, retrying unprocessed keys with back-off. */
  private async batchGet(all: Item[]): Promise<Item[]> {
    const out: Item[] = [];
    for (let i = 0; i < all.length; i += 100) {
      let keysLeft = all.slice(i, i + 100);
      for (let attempt = 0; keysLeft.length > 0; attempt++) {
        const r = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keysLeft } } }),
        );
        out.push(...(r.Responses?.[this.table] ?? []));
        keysLeft = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
        if (keysLeft.length > 0)
          await new Promise((res) => setTimeout(res, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
    return out;
  }

  /** Every unit's id and name (a projection: not its contacts), one Query page per 1 MB. */
  async unitNames(): Promise<UnitName[]> {
    const names = await this.rawQueryPage(
      keys.unitsPK,
      { ProjectionExpression: '#u, #n', ExpressionAttributeNames: { '#u': 'unitId', '#n': 'name' } },
      (i): UnitName => ({ unitId: String(scalar(i.unitId)), name: String(scalar(i.name)) }),
    );
    return names.items;
  }

  async listUnits(): Promise<Unit[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.unitsPK },
    });
    return items.map((i) => strip<Unit>(i)!);
  }
  getObligation(id: string) {
    return this.get<Obligation>(keys.obligation(id));
  }
  async listObligations(): Promise<Obligation[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.obligationsPK },
    });
    return items.map((i) => strip<Obligation>(i)!);
  }
  getSettings() {
    return this.get<Settings>(keys.settings());
  }
  async getSendInputs(unitIds: string[], markers: string[]) {
    const items = await this.batchGet([
      keys.settings(),
      ...[...new Set(markers)].map((m) => keys.marker(m)),
      ...[...new Set(unitIds)].map((id) => keys.unit(id)),
    ]);
    let settings: Settings | null = null;
    const values = new Map<string, string>();
    const units = new Map<string, Unit>();
    for (const i of items) {
      if (i._type === 'settings') settings = strip<Settings>(i);
      else if (i._type === 'marker') {
        const name = markers.find((m) => keys.marker(m).SK === i.SK);
        if (name !== undefined) values.set(name, String(i.value));
      } else if (i._type === 'unit') {
        const u = strip<Unit>(i)!;
        units.set(u.unitId, u);
      }
    }
    return { settings, markers: values, units };
  }
  /** The office-loaded arrangements of these years, in one BatchGetItem. */
  async getCalendars(years: number[]) {
    const items = await this.batchGet([...new Set(years)].map((y) => keys.calendar(y)));
    const out = new Map<number, { holidays: IsoDate[]; workdays: IsoDate[] }>();
    for (const c of items.map((i) => strip<{ year: number; holidays: IsoDate[]; workdays: IsoDate[] }>(i)!))
      out.set(c.year, { holidays: c.holidays, workdays: c.workdays });
    return out;
  }

  async getObligationAndCalendars(obligationId: string, years: number[]) {
    const items = await this.batchGet([
      keys.obligation(obligationId),
      ...[...new Set(years)].map((y) => keys.calendar(y)),
    ]);
    let obligation: Obligation | null = null;
    const calendars = new Map<number, { holidays: IsoDate[]; workdays: IsoDate[] }>();
    for (const i of items) {
      if (i._type === 'obligation') obligation = strip<Obligation>(i);
      else if (i._type === 'calendar') {
        const c = strip<{ year: number; holidays: IsoDate[]; workdays: IsoDate[] }>(i)!;
        calendars.set(c.year, { holidays: c.holidays, workdays: c.workdays });
      }
    }
    return { obligation, calendars };
  }

  async scoreCards(year: number): Promise<ScoreCard[]> {
    // Read raw: a year's cards are thousands of items of dozens of string attributes each.
    const cards = await this.rawQueryPage(keys.scoresPK(year), undefined, (item): ScoreCard => {
      const entries: ScoreCard['entries'] = [];
      for (const name in item) {
        const hash = name.indexOf('#');
        const value = item[name]!.S;
        if (hash < 0 || value === undefined) continue;
        entries.push({
          obligationId: name.slice(0, hash),
          period: name.slice(hash + 1),
          code: value.slice(VERSION_DIGITS + 1),
        });
      }
      return { unitId: String(item.unitId?.S), unitName: item.unitName?.S ?? '', entries };
    });
    return cards.items;
  }

  async getScoringInputs(obligationIds: string[], marker: string) {
    const items = await this.batchGet([
      keys.settings(),
      keys.marker(marker),
      ...[...new Set(obligationIds)].map((id) => keys.obligation(id)),
    ]);
    let settings: Settings | null = null;
    let value: string | null = null;
    const obligations: Obligation[] = [];
    for (const i of items) {
      if (i._type === 'settings') settings = strip<Settings>(i);
      else if (i._type === 'marker') value = String(i.value);
      else if (i._type === 'obligation') obligations.push(strip<Obligation>(i)!);
    }
    // By id, as listObligations gives them (the partition's sort order; ids are ASCII).
    obligations.sort((a, b) => (a.obligationId < b.obligationId ? -1 : 1));
    return { settings, obligations, marker: value };
  }

  getSlot(obligationId: string, period: string, unitId: string) {
    return this.get<Slot>(keys.slot(obligationId, period, unitId));
  }
  async slotsOfPeriod(obligationId: string, period: string, page?: PageRequest): Promise<Page<Slot>> {
    const r = await this.queryPage(
      {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.slotPK(obligationId, period) },
      },
      page,
    );
    return { items: r.items.map((i) => strip<Slot>(i)!), nextCursor: r.nextCursor };
  }
  async boardSlots(obligationId: string, period: string, page?: PageRequest): Promise<Page<BoardSlot>> {
    return this.rawQueryPage(keys.slotPK(obligationId, period), BOARD_PROJECTION, boardSlotOf, page ?? {});
  }
  async unitYear(unitId: string, year: number) {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.unitYearPK(unitId, year) },
    });
    const slots: Slot[] = [];
    const submissions: Submission[] = [];
    for (const i of items) {
      if (i._type === 'slot') slots.push(strip<Slot>(i)!);
      else if (i._type === 'submission') submissions.push(strip<Submission>(i)!);
    }
    return { slots, submissions };
  }
  async slotsDueBy(date: IsoDate): Promise<Slot[]> {
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        this.queryAll({
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :to',
          ExpressionAttributeValues: { ':pk': keys.nextActionPK(shard), ':to': `${date}#~` },
        }),
      ),
    );
    return shards.flat().map((i) => strip<Slot>(i)!);
  }
  async overdueSlots(today: IsoDate): Promise<Slot[]> {
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        this.queryAll({
          IndexName: 'GSI3',
          KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :today',
          ExpressionAttributeValues: { ':pk': keys.overduePK(shard), ':today': today },
        }),
      ),
    );
    return shards
      .flat()
      .sort((a, b) => String(a.GSI3SK).localeCompare(String(b.GSI3SK)))
      .map((i) => strip<Slot>(i)!);
  }

  getSubmission(submissionId: string) {
    return this.get<Submission>(keys.submission(submissionId));
  }
  async getSubmissions(submissionIds: string[]): Promise<Map<string, Submission>> {
    const items = await this.batchGet([...new Set(submissionIds)].map((id) => keys.submission(id)));
    return new Map(items.map((i) => strip<Submission>(i)!).map((s) => [s.submissionId, s]));
  }

  async getReceiptContext(
    ids: { submissionId: string; obligationId: string; period: string; unitId: string },
    calendarYears: number[],
  ): Promise<ReceiptContext> {
    const items = await this.batchGet([
      keys.submission(ids.submissionId),
      keys.slot(ids.obligationId, ids.period, ids.unitId),
      keys.obligation(ids.obligationId),
      keys.unit(ids.unitId),
      ...[...new Set(calendarYears)].map((y) => keys.calendar(y)),
    ]);
    const out: ReceiptContext = {
      submission: null,
      slot: null,
      obligation: null,
      unit: null,
      calendars: new Map(),
    };
    for (const i of items) {
      if (i._type === 'submission') out.submission = strip<Submission>(i);
      else if (i._type === 'slot') out.slot = strip<Slot>(i);
      else if (i._type === 'obligation') out.obligation = strip<Obligation>(i);
      else if (i._type === 'unit') out.unit = strip<Unit>(i);
      else if (i._type === 'calendar') {
        const c = strip<{ year: number; holidays: IsoDate[]; workdays: IsoDate[] }>(i)!;
        out.calendars.set(c.year, { holidays: c.holidays, workdays: c.workdays });
      }
    }
    return out;
  }

  async eventsOf(year: number, unitId?: string): Promise<DutyEvent[]> {
    const items = await this.queryAll({
      KeyConditionExpression: unitId ? 'PK = :pk AND begins_with(SK, :u)' : 'PK = :pk',
      ExpressionAttributeValues: {
        ':pk': keys.eventsPK(year),
        ...(unitId ? { ':u': `UNIT#${unitId}#` } : {}),
      },
    });
    return items.map((i) => strip<DutyEvent>(i)!);
  }

  async auditOf(unitId: string, year: number, page?: PageRequest): Promise<Page<AuditEvent>> {
    const r = await this.queryPage(
      {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditPK(unitId, year) },
        ScanIndexForward: false,
      },
      page,
    );
    return { items: r.items.map((i) => strip<AuditEvent>(i)!), nextCursor: r.nextCursor };
  }

  /** The conditional put that claims a notification id (only if it was never claimed). */
  private claimPut(rec: NotificationRecord): Put {
    return {
      TableName: this.table,
      Item: {
        ...rec,
        ...keys.notification(rec.id),
        _type: 'notification',
        [TTL_ATTRIBUTE]: notificationExpiry(rec.at),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
  }

  async claimNotification(rec: NotificationRecord): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand(this.claimPut(rec)));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async claimNotifications(recs: NotificationRecord[]): Promise<boolean[]> {
    if (new Set(recs.map((r) => r.id)).size !== recs.length)
      throw new Error('claimNotifications: ids must be distinct');
    if (recs.length > 1 && recs.length <= 100)
      try {
        // All or nothing: the SDK retries it under one ClientRequestToken, so a retry never claims twice.
        await this.doc.send(
          new TransactWriteCommand({ TransactItems: recs.map((r) => ({ Put: this.claimPut(r) })) }),
        );
        return recs.map(() => true);
      } catch (err) {
        // Nothing was applied (an id claimed before, or a race with another transaction): each on its own.
        if (!(err instanceof TransactionCanceledException || err instanceof TransactionConflictException))
          throw err;
      }
    return Promise.all(recs.map((r) => this.claimNotification(r)));
  }
  getNotification(id: string) {
    return this.get<NotificationRecord>(keys.notification(id));
  }
  /** The conditional UpdateItem that sets a notification's status (see Store.updateNotification). */
  private notificationUpdate(
    id: string,
    status: NotificationRecord['status'],
    error?: string,
    ifStatus?: NotificationRecord['status'],
    at?: string,
  ): Update {
    const sets = ['#s = :s', '#x = :x'];
    const names: Record<string, string> = { '#s': 'status', '#e': 'error', '#x': TTL_ATTRIBUTE };
    const values: Item = { ':s': status, ':x': notificationExpiry(at) };
    if (error) {
      sets.push('#e = :e');
      values[':e'] = error;
    }
    if (at) {
      sets.push('#at = :at');
      names['#at'] = 'at';
      values[':at'] = at;
    }
    if (status === 'sending') {
      sets.push('#n = if_not_exists(#n, :zero) + :one');
      names['#n'] = 'attempts';
      values[':zero'] = 0;
      values[':one'] = 1;
    }
    if (ifStatus) values[':if'] = ifStatus;
    return {
      TableName: this.table,
      Key: keys.notification(id),
      UpdateExpression: `SET ${sets.join(', ')}${error ? '' : ' REMOVE #e'}`,
      ConditionExpression: ifStatus ? '#s = :if' : 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async updateNotification(
    id: string,
    status: NotificationRecord['status'],
    error?: string,
    ifStatus?: NotificationRecord['status'],
    at?: string,
  ): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(this.notificationUpdate(id, status, error, ifStatus, at)));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async takeFromLimit(name: string, limit: number, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.limit(name),
          UpdateExpression: 'SET #t = :t, #x = :x ADD #n :one',
          ConditionExpression: 'attribute_not_exists(PK) OR #n < :limit',
          ExpressionAttributeNames: { '#t': '_type', '#x': 'expiresAt', '#n': 'count' },
          ExpressionAttributeValues: { ':t': 'limit', ':x': expiresAt, ':one': 1, ':limit': limit },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async getMarker(name: string): Promise<string | null> {
    const r = await this.get<{ value: string }>(keys.marker(name));
    return r?.value ?? null;
  }
  async setMarker(name: string, value: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.marker(name), value, _type: 'marker' } }),
    );
  }
}
