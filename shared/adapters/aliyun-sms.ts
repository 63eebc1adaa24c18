// SmsSender on Alibaba Cloud SMS (Dysmsapi 2017-05-25 SendSms, the official SDK; china profile).
// Mainland SMS goes only as a registered template with parameters: each notice kind's template
// (shared/domain/sms-templates.ts) maps to its registered code in the secret's `templates`, and the
// signature is the registered SignName. Settings come from a Secrets Manager JSON secret:
//   { accessKeyId, accessKeySecret, signName, templates: { reminder: "SMS_…", … }, endpoint?, protocol? }
// Outcomes, as the sender expects them:
//   OK → sent; throttling / flow control (isv.BUSINESS_LIMIT_CONTROL, isv.DAY_LIMIT_CONTROL,
//   Throttling*) → ThrottledError (retried later); the account's settings refused (AccessKey,
//   request signature, SMS signature or template not approved, no balance, account stopped) →
//   SendConfigError (the sender pauses SMS: one alarm, not a failure per message); an invalid or
//   blacklisted number, missing or refused parameters, or a kind with no registered code →
//   PermanentDeliveryError (recorded, never retried); anything else (network, isp.SYSTEM_ERROR, …)
//   is rethrown so the queue retries.
import DysmsapiModule, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as z from 'zod';
import { PermanentDeliveryError, SendConfigError, type SmsSender, ThrottledError } from '../app/ports';
import { SMS_TEMPLATE_IDS, type SmsTemplate } from '../domain/sms-templates';

// A CJS module with `exports.default`: under ESM the class may sit on `.default` (as esbuild's and
// tsx's interop differ), so accept both.
const Dysmsapi = ((DysmsapiModule as unknown as { default?: typeof DysmsapiModule }).default ??
  DysmsapiModule) as typeof DysmsapiModule;

export const aliyunSmsConfigSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  /** The registered signature, without 【】 (Alibaba adds them). */
  signName: z.string().min(1),
  /** Registered template code per notice kind; a kind without one cannot be sent (permanent). */
  templates: z.partialRecord(z.enum(SMS_TEMPLATE_IDS as [string, ...string[]]), z.string().min(1)),
  /** Default dysmsapi.aliyuncs.com over HTTPS; the local stand-in is `127.0.0.1:<port>` over http. */
  endpoint: z.string().min(1).default('dysmsapi.aliyuncs.com'),
  protocol: z.enum(['https', 'http']).default('https'),
});
export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;

const THROTTLED = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.SMS_OVER_LIMIT',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
]);
const PERMANENT = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.MOBILE_IN_BLACK',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.INVALID_PARAMETERS',
  'isv.MOBILE_COUNT_OVER_LIMIT',
]);
/** The account's settings are wrong, not the message: SMS is paused, one alarm (as End User Messaging's). */
const CONFIG = new Set([
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.AMOUNT_NOT_ENOUGH',
  'isv.OUT_OF_SERVICE',
  'isv.ACCOUNT_ABNORMAL',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId',
]);

/** An Alibaba Cloud error code → the sender's outcome (the code only: no number in what is recorded). */
export function mapAliyunCode(code: string | undefined): Error | null {
  if (!code || code === 'OK') return null;
  if (THROTTLED.has(code) || code.startsWith('Throttling')) return new ThrottledError(`SMS ${code}`);
  if (CONFIG.has(code)) return new SendConfigError(`SMS ${code}`);
  if (PERMANENT.has(code)) return new PermanentDeliveryError(`SMS ${code}`);
  return new Error(`SMS ${code}`);
}

/** Mainland numbers go as Alibaba expects them (no +86); others keep their country code. */
export const aliyunNumber = (e164: string) =>
  e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+/, '');

export class AliyunSmsSender implements SmsSender {
  private client?: Promise<{ c: InstanceType<typeof Dysmsapi>; cfg: AliyunSmsConfig }>;

  constructor(private readonly config: () => Promise<AliyunSmsConfig>) {}

  private connect() {
    this.client ??= this.config()
      .then((cfg) => ({
        cfg,
        c: new Dysmsapi(
          new $OpenApiUtil.Config({
            accessKeyId: cfg.accessKeyId,
            accessKeySecret: cfg.accessKeySecret,
            endpoint: cfg.endpoint,
            protocol: cfg.protocol,
            regionId: 'cn-hangzhou',
            connectTimeout: 5000,
            readTimeout: 10_000,
          }),
        ),
      }))
      .catch((err) => {
        this.client = undefined;
        throw err;
      });
    return this.client;
  }

  async send(input: { to: string; text: string; template?: SmsTemplate }): Promise<void> {
    if (!input.template)
      throw new PermanentDeliveryError('SMS without a template (Alibaba Cloud sends templates only)');
    const { c, cfg } = await this.connect();
    const code = cfg.templates[input.template.template];
    if (!code)
      throw new PermanentDeliveryError(`SMS template ${input.template.template} has no registered code`);
    let body: { code?: string } | undefined;
    try {
      const r = await c.sendSms(
        new SendSmsRequest({
          phoneNumbers: aliyunNumber(input.to),
          signName: cfg.signName,
          templateCode: code,
          templateParam: JSON.stringify(input.template.params),
        }),
      );
      body = r.body;
    } catch (err) {
      // Non-2xx answers: the SDK throws with the service's Code.
      const mapped = mapAliyunCode((err as { code?: string }).code);
      throw mapped && !(mapped.constructor === Error) ? mapped : err;
    }
    const failure = mapAliyunCode(body?.code ?? 'NoCode');
    if (failure) throw failure;
  }
}
