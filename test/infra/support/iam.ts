// What IAM must allow for what the code really sends, and what a synthesized role really allows.
//
// 1. `recordCommands(client, recorder)` adds an SDK middleware (initialize step: it also sees
//    presigned requests, which run the stack up to signing) that files every command under the
//    function currently running (`recorder.current`): the command's name and its input.
// 2. `requiredPermissions(call, names)` maps one command to the IAM actions and resources AWS
//    authorizes it by (e.g. GetObject with a VersionId → s3:GetObjectVersion on the object).
//    `names` maps the test's local table/bucket/queue names to the stack's symbolic ARNs.
// 3. `grantsOf(template, roleId)` lists every (action, resource) a role's policies allow, with the
//    template's intrinsics resolved to symbols (`<LogicalId.Arn>`), and `matches` compares globs.
import type { Template } from 'aws-cdk-lib/assertions';

/** One SDK command: the function that sent it, and the port method it was sent from (if any). */
export type Call = { fn: string; command: string; input: Record<string, unknown>; via?: string };

export type Recorder = {
  current: string | undefined;
  calls: Call[];
  /** The port method running now (`store.getUnit`), when the test tracks it. */
  via?: () => string | undefined;
};

type Stackable = {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      opts: { step: 'initialize'; name: string; priority?: 'high' },
    ): void;
  };
};

/** Records every command the client sends (or presigns) for the function running now. */
export function recordCommands(client: { middlewareStack: object }, recorder: Recorder) {
  (client as Stackable).middlewareStack.add(
    (next, context) => async (args) => {
      if (recorder.current) {
        recorder.calls.push({
          fn: recorder.current,
          command: (context.commandName ?? 'unknown').replace(/Command$/, ''),
          input: structuredClone(args.input) as Record<string, unknown>,
          via: recorder.via?.(),
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'iamRecorder', priority: 'high' },
  );
}

/** One permission a call needs: the action, and the resources any one of which would do;
 *  `prefix`: the `s3:prefix` a listing carries (a grant's condition on it must match it). */
export type Need = { action: string; resources: string[]; why: string; prefix?: string };

/** The stack's symbols for the local names the test used. */
export type Names = {
  tables: Record<string, string>; // local table name → `<TableId.Arn>`
  buckets: Record<string, string>; // local bucket name → `<UploadsId.Arn>`
  queues: Record<string, string>; // local queue URL → `<NotifyQueueId.Arn>`
  configurationSets: Record<string, string>; // local SES configuration set name → the stack's name
  userPools: Record<string, string>; // local user pool id → `<UserPoolId.Arn>`
  /** `arn:aws:ses:<region>:<AWS::AccountId>` */
  sesArnPrefix: string;
  /** `arn:aws:sms-voice:<region>:<AWS::AccountId>` */
  smsArnPrefix: string;
};

const lookup = (map: Record<string, string>, key: unknown, what: string) => {
  const v = map[String(key)];
  if (!v) throw new Error(`the test used ${what} ${String(key)}, which maps to no resource of the stack`);
  return v;
};

// DynamoDB names (the document client's commands carry the same input field names).
const DDB_ITEM_ACTIONS: Record<string, string> = {
  GetItem: 'GetItem',
  Get: 'GetItem',
  PutItem: 'PutItem',
  Put: 'PutItem',
  UpdateItem: 'UpdateItem',
  Update: 'UpdateItem',
  DeleteItem: 'DeleteItem',
  Delete: 'DeleteItem',
};
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/** The object key of an S3 CopySource (`bucket/key` URL-encoded, optional `?versionId=`). */
const parseCopySource = (source: string) => {
  const [path, query] = source.replace(/^\//, '').split('?');
  const [bucket, ...key] = (path ?? '').split('/');
  return { bucket, key: decodeURIComponent(key.join('/')), versionId: /versionId=/.test(query ?? '') };
};

/**
 * The IAM permissions AWS checks for one SDK command. Unknown commands throw: add them here.
 * (Sources: the Service Authorization Reference's "actions" tables for each service.)
 */
export function requiredPermissions(call: Call, names: Names): Need[] {
  const i = call.input;
  const why = `${call.command}${i.VersionId ? ' with VersionId' : ''}`;
  const table = (name: unknown) => lookup(names.tables, name, 'table');
  const object = (bucket: unknown, key: unknown) =>
    `${lookup(names.buckets, bucket, 'bucket')}/${String(key)}`;
  const queue = (url: unknown) => lookup(names.queues, url, 'queue');
  const need = (action: string, ...resources: string[]): Need => ({ action, resources, why });

  switch (call.command) {
    // ── DynamoDB ──
    case 'GetItem':
    case 'Get':
    case 'PutItem':
    case 'Put':
    case 'UpdateItem':
    case 'Update':
    case 'DeleteItem':
    case 'Delete':
      return [need(`dynamodb:${DDB_ITEM_ACTIONS[call.command]}`, table(i.TableName))];
    case 'Query':
    case 'Scan':
      return [
        need(
          `dynamodb:${call.command}`,
          i.IndexName ? `${table(i.TableName)}/index/${String(i.IndexName)}` : table(i.TableName),
        ),
      ];
    case 'BatchGetItem':
    case 'BatchGet':
      return Object.keys(i.RequestItems as object).map((t) => need('dynamodb:BatchGetItem', table(t)));
    case 'BatchWriteItem':
    case 'BatchWrite':
      return Object.keys(i.RequestItems as object).map((t) => need('dynamodb:BatchWriteItem', table(t)));
    case 'TransactWriteItems':
    case 'TransactWrite':
    case 'TransactGetItems':
    case 'TransactGet':
      return (i.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
        Object.entries(item).map(([kind, op]) => {
          const action = TRANSACT_ACTIONS[kind];
          if (!action) throw new Error(`no IAM mapping for ${call.command} item ${kind}`);
          return { ...need(action, table(op.TableName)), why: `${call.command} ${kind}` };
        }),
      );

    // ── S3 (a VersionId turns each object action into its …Version twin) ──
    case 'HeadObject':
    case 'GetObject':
      return [need(i.VersionId ? 's3:GetObjectVersion' : 's3:GetObject', object(i.Bucket, i.Key))];
    case 'ListObjectsV2':
    case 'ListObjects':
      return [
        {
          ...need('s3:ListBucket', lookup(names.buckets, i.Bucket, 'bucket')),
          prefix: String(i.Prefix ?? ''),
        },
      ];
    case 'PutObject':
    case 'PresignedPost': // createPresignedPost signs a policy without sending a command
      return [need('s3:PutObject', object(i.Bucket, i.Key))];
    case 'DeleteObject':
      return [need(i.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', object(i.Bucket, i.Key))];
    case 'CopyObject': {
      const src = parseCopySource(String(i.CopySource));
      return [
        need('s3:PutObject', object(i.Bucket, i.Key)),
        {
          ...need(src.versionId ? 's3:GetObjectVersion' : 's3:GetObject', object(src.bucket, src.key)),
          why: 'CopyObject source',
        },
      ];
    }

    // ── SQS ──
    case 'SendMessage':
    case 'SendMessageBatch':
      return [need('sqs:SendMessage', queue(i.QueueUrl))];
    case 'ChangeMessageVisibility':
    case 'ChangeMessageVisibilityBatch':
      return [need('sqs:ChangeMessageVisibility', queue(i.QueueUrl))];
    case 'DeleteMessage':
    case 'DeleteMessageBatch':
      return [need('sqs:DeleteMessage', queue(i.QueueUrl))];

    // ── SES (v1 Source, v2 FromEmailAddress): the identity is the address or its domain ──
    case 'SendEmail':
    case 'SendRawEmail': {
      const from = String(i.Source ?? i.FromEmailAddress ?? '').replace(/^.*<([^>]+)>.*$/, '$1');
      const domain = from.split('@')[1] ?? from;
      const needs = [
        need(
          `ses:${call.command}`,
          `${names.sesArnPrefix}:identity/${from}`,
          `${names.sesArnPrefix}:identity/${domain}`,
        ),
      ];
      if (i.ConfigurationSetName)
        needs.push(
          need(
            `ses:${call.command}`,
            `${names.sesArnPrefix}:configuration-set/${lookup(names.configurationSets, i.ConfigurationSetName, 'configuration set')}`,
          ),
        );
      return needs;
    }

    // ── Cognito user pools: each admin call is its own action, on the pool ──
    case 'AdminCreateUser':
    case 'AdminAddUserToGroup':
    case 'AdminDeleteUser':
    case 'AdminDisableUser':
    case 'AdminEnableUser':
    case 'AdminGetUser':
    case 'AdminListGroupsForUser':
    case 'AdminUserGlobalSignOut':
    case 'ListUsersInGroup':
      return [need(`cognito-idp:${call.command}`, lookup(names.userPools, i.UserPoolId, 'user pool'))];

    // ── End User Messaging SMS ──
    case 'SendTextMessage': {
      const id = i.OriginationIdentity ? String(i.OriginationIdentity) : undefined;
      const p = names.smsArnPrefix;
      const resources = !id
        ? [`${p}:phone-number/*`, `${p}:pool/*`, `${p}:sender-id/*`]
        : id.startsWith('arn:')
          ? [id]
          : id.startsWith('phone-')
            ? [`${p}:phone-number/${id}`]
            : id.startsWith('pool-')
              ? [`${p}:pool/${id}`]
              : [`${p}:sender-id/${id}/*`];
      return [need('sms-voice:SendTextMessage', ...resources)];
    }
  }
  throw new Error(
    `no IAM mapping for the SDK command ${call.command} (sent by ${call.fn}): add it to requiredPermissions in test/infra/support/iam.ts`,
  );
}

// ── the template side ──────────────────────────────────────────────────────────────────────

/** A template value with intrinsics resolved to readable symbols. */
export function resolve(v: unknown, region: string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('Ref' in o) {
      const ref = String(o.Ref);
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return region;
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      return `<${ref}>`;
    }
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => resolve(p, region)).join(sep);
    }
  }
  return JSON.stringify(v);
}

/** `prefixes`: the statement's `StringLike` condition on `s3:prefix` (the only condition read). */
export type Grant = { action: string; resource: string; prefixes?: string[] };

/** Every (action, resource) an Allow statement of the role's policies grants. */
export function grantsOf(template: Template, roleId: string, region: string): Grant[] {
  const role = template.toJSON().Resources[roleId];
  if (role?.Properties?.ManagedPolicyArns || role?.Properties?.Policies)
    throw new Error(`${roleId} has managed or inline policies: this test only reads AWS::IAM::Policy`);
  const out: Grant[] = [];
  for (const p of Object.values(template.findResources('AWS::IAM::Policy'))) {
    if (!(p.Properties.Roles as Array<{ Ref?: string }>).some((r) => r.Ref === roleId)) continue;
    for (const st of p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>) {
      if (st.Effect !== 'Allow') continue;
      if (st.NotAction || st.NotResource)
        throw new Error(`${roleId}: NotAction/NotResource is not supported here`);
      let prefixes: string[] | undefined;
      if (st.Condition) {
        const c = st.Condition as Record<string, Record<string, unknown>>;
        if (Object.keys(c).join() !== 'StringLike' || Object.keys(c.StringLike ?? {}).join() !== 's3:prefix')
          throw new Error(`${roleId}: only a StringLike condition on s3:prefix is supported here`);
        prefixes = [c.StringLike!['s3:prefix']].flat() as string[];
      }
      for (const action of [st.Action].flat() as string[])
        for (const resource of [st.Resource].flat())
          out.push({ action, resource: resolve(resource, region), ...(prefixes ? { prefixes } : {}) });
    }
  }
  return out;
}

/** IAM-style glob: `*` any run of characters, `?` one character; actions compare case-insensitively. */
export const matches = (pattern: string, value: string, caseInsensitive = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseInsensitive ? 'i' : '',
  ).test(value);

export const allows = (g: Grant, n: Need) =>
  matches(g.action, n.action, true) &&
  n.resources.some((r) => matches(g.resource, r)) &&
  (!g.prefixes || (n.prefix !== undefined && g.prefixes.some((p) => matches(p, n.prefix!))));
