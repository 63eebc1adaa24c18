// Mailer over SMTP with nodemailer (china profile: the government's mail server or a domestic mail
// service). Host, port, TLS and credentials come from a Secrets Manager JSON secret:
//   { host, port, secure, requireTLS, user?, pass?, from?, ca?, rejectUnauthorized? }
// `secure`: TLS from the first byte (port 465); otherwise STARTTLS, which `requireTLS` (default
// true) makes mandatory — a server that does not offer it gets no message and no password.
// Replies map to the sender's outcomes: 4xx (greylisting, rate limits, mailbox busy) → ThrottledError
// (retried later); authentication refused → SendConfigError (email paused, one alarm); 5xx for a
// recipient or the message → PermanentDeliveryError (recorded); anything
// else (connection refused, timeout, TLS failure) is rethrown, so SQS retries and then alarms.
import nodemailer, { type Transporter } from 'nodemailer';
import * as z from 'zod';
import { type Mailer, PermanentDeliveryError, SendConfigError, ThrottledError } from '../app/ports';

export const smtpConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().default(false),
  requireTLS: z.boolean().default(true),
  user: z.string().min(1).optional(),
  pass: z.string().min(1).optional(),
  /** The envelope and header sender, when the server allows only its own (default: settings.senderEmail). */
  from: z.email().optional(),
  /** A private CA's certificate (PEM) the server's certificate is checked against. */
  ca: z.string().optional(),
  /** Certificate checking is on unless explicitly turned off. */
  rejectUnauthorized: z.boolean().default(true),
});
export type SmtpConfig = z.infer<typeof smtpConfigSchema>;

type SmtpError = Error & { responseCode?: number; code?: string };

export function mapSmtpError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as SmtpError).responseCode;
  // Authentication refused (535, or nodemailer's EAUTH): the settings are wrong, not the message —
  // the sender pauses email and one alarm says so, instead of a failure recorded per message.
  if (code === 535 || code === 534 || code === 530 || (err as SmtpError).code === 'EAUTH')
    return new SendConfigError(`SMTP ${code ?? 'EAUTH'} (authentication)`);
  if (code && code >= 400 && code < 500) return new ThrottledError(`SMTP ${code}`);
  if (code && code >= 500) return new PermanentDeliveryError(`SMTP ${code}`);
  return err;
}

export class SmtpMailer implements Mailer {
  private transport?: Promise<{ t: Transporter; cfg: SmtpConfig }>;

  constructor(private readonly config: () => Promise<SmtpConfig>) {}

  private transporter() {
    this.transport ??= this.config()
      .then((cfg) => ({
        cfg,
        t: nodemailer.createTransport({
          host: cfg.host,
          port: cfg.port,
          secure: cfg.secure,
          requireTLS: cfg.requireTLS,
          ...(cfg.user ? { auth: { user: cfg.user, pass: cfg.pass ?? '' } } : {}),
          tls: {
            minVersion: 'TLSv1.2',
            rejectUnauthorized: cfg.rejectUnauthorized,
            ...(cfg.ca ? { ca: cfg.ca } : {}),
          },
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        }),
      }))
      .catch((err) => {
        this.transport = undefined;
        throw err;
      });
    return this.transport;
  }

  async send(input: { from: string; to: string; subject: string; text: string }): Promise<void> {
    const { t, cfg } = await this.transporter();
    try {
      await t.sendMail({
        from: cfg.from ?? input.from,
        to: input.to,
        subject: input.subject,
        text: input.text,
      });
    } catch (err) {
      throw mapSmtpError(err);
    }
  }

  close() {
    void this.transport?.then(({ t }) => t.close());
  }
}
