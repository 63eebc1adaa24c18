// Email through SMTP (china profile): nodemailer behind the Mailer port, against a real SMTP server
// in-process (smtp-server), what arrives parsed with mailparser. Settings come from a Secrets
// Manager secret read through the real SDK client. The server's certificate is a committed
// test-only self-signed one (test/fixtures/smtp-test-*.pem), trusted by the client as its CA.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretJson } from '../../shared/adapters/secret-json';
import { type SmtpConfig, SmtpMailer, smtpConfigSchema } from '../../shared/adapters/smtp-mailer';
import { PermanentDeliveryError, SendConfigError, ThrottledError } from '../../shared/app/ports';
import { reminderMessage } from '../../shared/domain/messages';
import { startSecretsStandIn } from '../support/secrets-standin';

const key = readFileSync(new URL('../fixtures/smtp-test-key.pem', import.meta.url));
const cert = readFileSync(new URL('../fixtures/smtp-test-cert.pem', import.meta.url));

type Received = { mail: ParsedMail; secure: boolean; user?: string; from?: string; to: string[] };
const started: SMTPServer[] = [];
const mailers: SmtpMailer[] = [];

/** A real SMTP server on a free loopback port; collects what arrives, parsed. */
async function smtpServer(opts: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authOptional: false,
    disabledCommands: [],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'baosong' && auth.password === 's3cret-密码') cb(null, { user: auth.username });
      else cb(Object.assign(new Error('535 authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            secure: session.secure,
            user: session.user as string | undefined,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          cb();
        })
        .catch(cb);
    },
    ...opts,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  started.push(server);
  const port = (server.server.address() as AddressInfo).port;
  return { received, port };
}

const base = (port: number, over: Partial<SmtpConfig> = {}): SmtpConfig =>
  smtpConfigSchema.parse({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    user: 'baosong',
    pass: 's3cret-密码',
    ca: cert.toString(),
    ...over,
  });
const mailerFor = (cfg: SmtpConfig) => {
  const m = new SmtpMailer(async () => cfg);
  mailers.push(m);
  return m;
};

const reminder = reminderMessage({
  unitName: '城关镇',
  obligationName: '年度工作总结',
  period: '2026',
  effectiveDeadline: '2026-12-07',
  offset: 3,
  today: '2026-12-04',
});
const mail = {
  from: 'noreply@fzb.example.gov.cn',
  to: 'liaison@example.gov.cn',
  subject: reminder.subject,
  text: reminder.text,
};

let secrets: Awaited<ReturnType<typeof startSecretsStandIn>>;
beforeAll(async () => {
  secrets = await startSecretsStandIn({});
});
afterEach(() => {
  for (const m of mailers.splice(0)) m.close();
});
afterAll(async () => {
  await Promise.all(started.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await secrets?.close();
});

describe('SmtpMailer on a real SMTP server', () => {
  it('STARTTLS + AUTH: the Chinese subject and text, the sender and the recipient arrive intact', async () => {
    const srv = await smtpServer();
    await mailerFor(base(srv.port)).send(mail);
    expect(srv.received).toHaveLength(1);
    const got = srv.received[0]!;
    expect(got.secure).toBe(true);
    expect(got.user).toBe('baosong');
    expect(got.from).toBe('noreply@fzb.example.gov.cn');
    expect(got.to).toEqual(['liaison@example.gov.cn']);
    expect(got.mail.subject).toBe(reminder.subject);
    expect(got.mail.subject).toContain('【报送提醒】城关镇');
    expect(got.mail.text?.trim()).toBe(reminder.text.trim());
    expect(got.mail.text).toContain('区依法行政工作领导小组办公室');
    expect(got.mail.from?.value[0]?.address).toBe('noreply@fzb.example.gov.cn');
  });

  it('implicit TLS (secure, port-465 style) works too, and `from` in the secret overrides the sender', async () => {
    const srv = await smtpServer({ secure: true });
    await mailerFor(base(srv.port, { secure: true, from: 'baosong@mail.example.gov.cn' })).send(mail);
    expect(srv.received[0]?.secure).toBe(true);
    expect(srv.received[0]?.from).toBe('baosong@mail.example.gov.cn');
  });

  it('TLS required when set: a server that offers no STARTTLS gets nothing (no password in clear)', async () => {
    const srv = await smtpServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    await expect(mailerFor(base(srv.port)).send(mail)).rejects.toThrow();
    expect(srv.received).toHaveLength(0);
    // Control: with requireTLS off, the same server takes it in clear — the setting is what refused.
    await mailerFor(base(srv.port, { requireTLS: false })).send(mail);
    expect(srv.received[0]?.secure).toBe(false);
  });

  it('a certificate the client does not trust is refused', async () => {
    const srv = await smtpServer();
    const { ca: _ca, ...noCa } = base(srv.port);
    await expect(mailerFor(smtpConfigSchema.parse(noCa)).send(mail)).rejects.toThrow(/certificate/i);
    expect(srv.received).toHaveLength(0);
  });

  it('a rejected recipient (550) is permanent; a 4xx (greylisted, rate-limited) is retried later', async () => {
    const srv = await smtpServer({
      onRcptTo(address, _s, cb) {
        if (address.address.startsWith('gone'))
          return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        if (address.address.startsWith('busy'))
          return cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
        cb();
      },
    });
    const m = mailerFor(base(srv.port));
    const gone = await m.send({ ...mail, to: 'gone@example.gov.cn' }).catch((e) => e);
    expect(gone).toBeInstanceOf(PermanentDeliveryError);
    expect(gone.message).toBe('SMTP 550'); // the kind only: no address in what gets recorded
    expect(await m.send({ ...mail, to: 'busy@example.gov.cn' }).catch((e) => e)).toBeInstanceOf(
      ThrottledError,
    );
    expect(srv.received).toHaveLength(0);
  });

  it('wrong credentials are a configuration error (email paused, one alarm), not a retry storm', async () => {
    const srv = await smtpServer();
    const err = await mailerFor(base(srv.port, { pass: 'wrong' }))
      .send(mail)
      .catch((e) => e);
    expect(err).toBeInstanceOf(SendConfigError);
    expect(srv.received).toHaveLength(0);
  });

  it('settings come from the Secrets Manager secret, read once per container', async () => {
    const srv = await smtpServer();
    secrets.secrets['baosong/smtp'] = JSON.stringify({ ...base(srv.port), port: srv.port });
    const client = new SecretsManagerClient({
      region: 'cn-north-1',
      endpoint: secrets.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const m = new SmtpMailer(secretJson(client, 'baosong/smtp', smtpConfigSchema));
    mailers.push(m);
    await m.send(mail);
    await m.send({ ...mail, to: 'leader@example.gov.cn' });
    expect(srv.received.map((r) => r.to[0])).toEqual(['liaison@example.gov.cn', 'leader@example.gov.cn']);
    expect(secrets.reads.filter((r) => r === 'baosong/smtp')).toHaveLength(1);
    // A malformed secret names the bad fields, never their values.
    secrets.secrets['baosong/bad'] = JSON.stringify({ host: '', port: 'x', pass: 'hunter2' });
    const bad = secretJson(client, 'baosong/bad', smtpConfigSchema);
    const err = (await bad().catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/invalid: host, port/);
    expect(err.message).not.toContain('hunter2');
  });
});
