import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../local/stack.ts';
import type { OutboxMessage } from '../../shared/adapters/local/outbox-mailer.ts';

export type { OutboxMessage };

/**
 * The real local stack (`npm start`) on a free port with a fresh data folder. Quiet, unless
 * `logLine` asks for every line the stack prints.
 */
export async function startTestStack(options: { logLine?: (line: string) => void; consumerTimeoutMs?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kith-e2e-'));
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    quiet: true,
    ...(options.logLine ? { logLine: options.logLine } : {}),
    ...(options.consumerTimeoutMs ? { consumerTimeoutMs: options.consumerTimeoutMs } : {}),
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> };
  };
  const outbox = async (): Promise<OutboxMessage[]> =>
    ((await call('GET', '/_dev/outbox')).json as { messages: OutboxMessage[] }).messages;
  return {
    ...stack,
    /** The stack's data folder (the CLI's `--local --data-dir`). */
    dataDir,
    call,
    outbox,
    drain: async () => {
      await call('POST', '/_dev/drain');
    },
    async close() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first link in a text email whose path starts with `path`. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/[/?]/g, '\\$&')}[^\\s"<>]*`).exec(text);
  if (!match) throw new Error(`No ${path} link in: ${text.slice(0, 500)}`);
  return match[0];
}

/**
 * A person signs up from a group's page and confirms by the emailed link, as a browser would post
 * them; returns their member id. An open group takes them at once; a closed one records a request.
 */
export async function signUpFromGroup(
  stack: Awaited<ReturnType<typeof startTestStack>>,
  email: string,
  groupId: string,
  displayName = email.split('@')[0],
): Promise<string> {
  await stack.call('POST', '/signups', {
    email,
    displayName,
    consents: { groupAgreement: true, privacyNotice: true },
    groupId,
  });
  await stack.drain();
  const mail = (await stack.outbox()).filter((m) => m.to === email).at(-1);
  const token = new URL(linkIn(mail?.text ?? '', '/confirm?t=')).searchParams.get('t') ?? '';
  const confirmed = await stack.call('POST', '/confirm', { token });
  if (confirmed.status !== 200) throw new Error(`Confirming ${email} answered ${confirmed.status}`);
  await stack.drain();
  return (await stack.deps.members.findByEmail(email))?.memberId ?? '';
}
