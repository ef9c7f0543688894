import { randomBytes } from 'node:crypto';
import { GetSuppressedDestinationCommand, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailMessage, Mailer } from '../../ports/index.ts';

export interface SesMailerConfig {
  from: string;
  replyTo?: string;
  /** Configuration set per mail stream: member mail and staff alerts are measured apart. */
  configurationSets: { member: string; staff: string };
}

/**
 * SES v2. Plain messages go as `Content.Simple` with custom headers (List-Unsubscribe for member
 * mail); messages with attachments are built as raw MIME, because the SDK's serializer mishandles
 * Buffer attachments in `Content.Simple` (aws-sdk-js-v3 #7078).
 */
export function createSesMailer(client: SESv2Client, config: SesMailerConfig): Mailer {
  return {
    async send(message) {
      const common = {
        FromEmailAddress: config.from,
        Destination: { ToAddresses: [message.to] },
        ...(config.replyTo ? { ReplyToAddresses: [config.replyTo] } : {}),
        ConfigurationSetName: config.configurationSets[message.stream],
      };
      const content = message.attachments?.length
        ? { Raw: { Data: new TextEncoder().encode(buildMime(config.from, message, config.replyTo)) } }
        : {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
              ...(message.headers ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) } : {}),
            },
          };
      const out = await client.send(new SendEmailCommand({ ...common, Content: content }));
      return { messageId: out.MessageId ?? '' };
    },

    async isSuppressed(address) {
      try {
        await client.send(new GetSuppressedDestinationCommand({ EmailAddress: address }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'NotFoundException') return false;
        throw error;
      }
    },
  };
}

/** RFC 5322/2045 multipart/mixed with a multipart/alternative body. */
export function buildMime(from: string, message: EmailMessage, replyTo?: string): string {
  const mixed = `mixed-${randomBytes(12).toString('hex')}`;
  const alt = `alt-${randomBytes(12).toString('hex')}`;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  const encodedSubject = `=?UTF-8?B?${Buffer.from(message.subject, 'utf8').toString('base64')}?=`;
  const lines = [
    `From: ${from}`,
    `To: ${message.to}`,
    ...(replyTo ? [`Reply-To: ${replyTo}`] : []),
    `Subject: ${encodedSubject}`,
    'MIME-Version: 1.0',
    ...Object.entries(message.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alt}"`,
    '',
    `--${alt}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(message.text),
    `--${alt}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(message.html),
    `--${alt}--`,
  ];
  for (const a of message.attachments ?? []) {
    lines.push(
      `--${mixed}`,
      `Content-Type: ${a.contentType}; name="${a.filename}"`,
      `Content-Disposition: attachment; filename="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(a.content),
    );
  }
  lines.push(`--${mixed}--`, '');
  return lines.join('\r\n');
}
