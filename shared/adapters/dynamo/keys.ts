// Every key shape of the single table, with the access pattern each one serves.
// Nothing outside this adapter knows a key's shape. Every read is a GetItem or a Query.
//
// | access pattern                              | key                                                        |
// |---------------------------------------------|------------------------------------------------------------|
// | unit by id · all units                      | PK=UNITS, SK=UNIT#<unitId>            (Get · Query)        |
// | obligations · settings · a calendar year    | PK=OBLIGATIONS SK=OBL#<id> · PK=SETTINGS SK=SETTINGS ·     |
// |                                             | PK=CALENDAR SK=YEAR#<yyyy>                                 |
// | a period's board                            | PK=SLOTS#<obligationId>#<period>, SK=UNIT#<unitId> (Query) |
// | a unit's slots + submissions of a year      | GSI1PK=UNIT#<unitId>#<yyyy>, GSI1SK=<obl>#<period>[#SUB#…] |
// | a submission by id (API; S3 key → sub)      | PK=SUB#<submissionId>, SK=SUB                              |
// | the sweep's work list (sparse)              | GSI2PK=NEXT#<shard 0..9>, GSI2SK=<next action date>#<slot> |
// | overdue now, oldest first (sparse: set on   | GSI3PK=OVERDUE#<shard>, GSI3SK=<effective due>#<slot>;     |
// |   open/overdue slots; query SK < today)     |   a slot is overdue the day after its effective deadline   |
// | a notification sent exactly once            | PK=NOTIF#<id>, SK=NOTIF   (put if not exists)              |
// | audit trail of a unit-year, newest first    | PK=AUDIT#<unitId>#<yyyy>, SK=<time>#<ulid>                 |
// | a named marker (year's slots opened)        | PK=MARKERS, SK=MARKER#<name>                               |
// | a rate counter (a unit's upload forms in a  | PK=LIMIT#<name>, SK=LIMIT  (conditional ADD; TTL)          |
// |   15-minute window)                         |                                                            |
// | the people who sign in (local directory;    | PK=USERS, SK=USER#<username>          (Get · Query)        |
// |   china profile: the mapping seen)          |                                                            |
// | a unit's year score card (the assessment:   | PK=SCORES#<yyyy>, SK=UNIT#<unitId>  (Query the year);      |
// |   what each slot's score depends on, kept   |   one attribute per slot, `<obligationId>#<period>`, set   |
// |   in the transaction that writes the slot)  |   in the same TransactWriteItems as the slot               |
// | events of a year (assessment) · of a unit   | PK=EVENTS#<yyyy>, SK=UNIT#<unitId>#<eventId>  (Query;      |
// |   (yyyy: the year the event occurred)       |   a unit's: begins_with(SK, UNIT#<unitId>#))               |
import type { IsoDate } from '../../domain/model';

export const SHARDS = 10;

/** A stable shard 0..9 from a string (FNV-1a), so a slot keeps its shard for life. */
export function shardOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARDS;
}

export const keys = {
  unit: (unitId: string) => ({ PK: 'UNITS', SK: `UNIT#${unitId}` }),
  unitsPK: 'UNITS',
  obligation: (id: string) => ({ PK: 'OBLIGATIONS', SK: `OBL#${id}` }),
  obligationsPK: 'OBLIGATIONS',
  settings: () => ({ PK: 'SETTINGS', SK: 'SETTINGS' }),
  calendar: (year: number) => ({ PK: 'CALENDAR', SK: `YEAR#${year}` }),
  slotPK: (obligationId: string, period: string) => `SLOTS#${obligationId}#${period}`,
  slot: (obligationId: string, period: string, unitId: string) => ({
    PK: `SLOTS#${obligationId}#${period}`,
    SK: `UNIT#${unitId}`,
  }),
  slotId: (obligationId: string, period: string, unitId: string) => `${obligationId}#${period}#${unitId}`,
  unitYearPK: (unitId: string, year: number) => `UNIT#${unitId}#${year}`,
  slotGsi1: (unitId: string, obligationId: string, period: string) => ({
    GSI1PK: `UNIT#${unitId}#${period.slice(0, 4)}`,
    GSI1SK: `${obligationId}#${period}`,
  }),
  submission: (submissionId: string) => ({ PK: `SUB#${submissionId}`, SK: 'SUB' }),
  submissionGsi1: (unitId: string, obligationId: string, period: string, createdAt: string) => ({
    GSI1PK: `UNIT#${unitId}#${period.slice(0, 4)}`,
    GSI1SK: `${obligationId}#${period}#SUB#${createdAt}`,
  }),
  nextAction: (slotId: string, date: IsoDate) => ({
    GSI2PK: `NEXT#${shardOf(slotId)}`,
    GSI2SK: `${date}#${slotId}`,
  }),
  nextActionPK: (shard: number) => `NEXT#${shard}`,
  overdue: (slotId: string, effectiveDeadline: IsoDate) => ({
    GSI3PK: `OVERDUE#${shardOf(slotId)}`,
    GSI3SK: `${effectiveDeadline}#${slotId}`,
  }),
  overduePK: (shard: number) => `OVERDUE#${shard}`,
  event: (year: number, unitId: string, eventId: string) => ({
    PK: `EVENTS#${year}`,
    SK: `UNIT#${unitId}#${eventId}`,
  }),
  eventsPK: (year: number) => `EVENTS#${year}`,
  scoreCard: (year: number, unitId: string) => ({ PK: `SCORES#${year}`, SK: `UNIT#${unitId}` }),
  scoresPK: (year: number) => `SCORES#${year}`,
  /** A score card's attribute for one slot (names with a '#' are never a plain attribute's). */
  scoreEntry: (obligationId: string, period: string) => `${obligationId}#${period}`,
  marker: (name: string) => ({ PK: 'MARKERS', SK: `MARKER#${name}` }),
  limit: (name: string) => ({ PK: `LIMIT#${name}`, SK: 'LIMIT' }),
  user: (username: string) => ({ PK: 'USERS', SK: `USER#${username}` }),
  usersPK: 'USERS',
  notification: (id: string) => ({ PK: `NOTIF#${id}`, SK: 'NOTIF' }),
  audit: (unitId: string, year: number, at: string, id: string) => ({
    PK: `AUDIT#${unitId}#${year}`,
    SK: `${at}#${id}`,
  }),
  auditPK: (unitId: string, year: number) => `AUDIT#${unitId}#${year}`,
};
