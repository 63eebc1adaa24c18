// The DynamoDB store: implements the Store port on the single table (key shapes in ./keys.ts).
import {
  type DynamoDBClient,
  TransactionCanceledException,
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
  ConditionFailed,
  type NotificationRecord,
  type Page,
  type PageRequest,
  type ReceiptContext,
  type Store,
  type WriteOp,
} from '../../app/ports';
import { keys, SHARDS } from './keys';
import { TTL_ATTRIBUTE } from './table';

type Item = Record<string, unknown>;
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

const yearOfIso = (iso: string) => Number(iso.slice(0, 4));
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

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  // ---- writes -------------------------------------------------------------------------------

  private toPut(op: WriteOp): Put {
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

  async write(ops: WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    const puts = ops.map((op) => this.toPut(op));
    try {
      if (puts.length === 1) await this.doc.send(new PutCommand(puts[0]!));
      else await this.doc.send(new TransactWriteCommand({ TransactItems: puts.map((Put) => ({ Put })) }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed();
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw new ConditionFailed();
      }
      throw err;
    }
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
      ExpressionAttributeValues: { ':pk': keys.eventsPK(year), ...(unitId ? { ':u': `UNIT#${unitId}#` } : {}) },
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

  async claimNotification(rec: NotificationRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...rec,
            ...keys.notification(rec.id),
            _type: 'notification',
            [TTL_ATTRIBUTE]: notificationExpiry(rec.at),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
  getNotification(id: string) {
    return this.get<NotificationRecord>(keys.notification(id));
  }
  async updateNotification(
    id: string,
    status: NotificationRecord['status'],
    error?: string,
    ifStatus?: NotificationRecord['status'],
    at?: string,
  ): Promise<boolean> {
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
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.notification(id),
          UpdateExpression: `SET ${sets.join(', ')}${error ? '' : ' REMOVE #e'}`,
          ConditionExpression: ifStatus ? '#s = :if' : 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
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
