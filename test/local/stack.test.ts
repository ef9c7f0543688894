import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { authenticateFacilitator } from '../../shared/domain/facilitators/create-facilitator.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const freshDir = () => mkdtempSync(join(tmpdir(), 'kith-local-'));

async function call(stack: { url: string }, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { messages?: Record<string, unknown>[] },
  };
}

const signUp = (stack: LocalStack, email: string) =>
  call(stack, 'POST', '/signups', { email, displayName: 'Robin', consents: { groupAgreement: true, privacyNotice: true } });

describe('the local stack', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = freshDir();
    stack = await startLocalStack({ port: 0, dataDir, quiet: true });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves on 127.0.0.1 and carries its own URL in emailed links', async () => {
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.deps.links.url('/confirm', { t: 'x' })).toBe(`${stack.url}/confirm?t=x`);
  });

  it('relays a sign-up from the table to the member-mail consumer: the email is in the outbox once drained', async () => {
    // Act
    const response = await signUp(stack, 'relay@example.com');
    await call(stack, 'POST', '/_dev/drain');

    // Assess
    expect(response.status).toBe(202);
    const mail = (await call(stack, 'GET', '/_dev/outbox')).json.messages!.filter((m) => m.to === 'relay@example.com');
    expect(mail).toHaveLength(1);
    expect(Object.keys(mail[0]!).sort()).toEqual(['from', 'headers', 'html', 'id', 'sentAt', 'subject', 'text', 'to']);
    expect(mail[0]!.from).toBe(stack.deps.org.email.from);
    expect(mail[0]!.text).toContain(`${stack.url}/confirm?t=`);

    // Draining again sends nothing more
    await call(stack, 'POST', '/_dev/drain');
    expect((await call(stack, 'GET', '/_dev/outbox')).json.messages!.filter((m) => m.to === 'relay@example.com')).toHaveLength(1);
  });

  it('moves the application clock, fires every timer due, and answers only after what they set off has settled', async () => {
    // Prepare: a heartbeat due in an hour
    const before = stack.deps.clock.now();
    await stack.deps.scheduler.schedule({
      name: 'stack-beat',
      at: new Date(before.getTime() + 60 * 60_000),
      payload: { kind: 'heartbeat' },
    });

    // Not yet due
    const early = await call(stack, 'POST', '/_dev/clock', { advanceMinutes: 59 });
    expect(early.status).toBe(200);
    expect(await stack.deps.heartbeats.last()).toBeUndefined();

    // Due: recorded by the time the response arrives
    const due = await call(stack, 'POST', '/_dev/clock', { advanceMinutes: 2 });
    expect(Date.parse(due.json.now as string) - before.getTime()).toBeGreaterThanOrEqual(61 * 60_000);
    expect((await stack.deps.heartbeats.last())?.dueAt).toBe(new Date(before.getTime() + 60 * 60_000).toISOString());
    expect((await call(stack, 'GET', '/_dev/timers')).json.timers).toEqual([]);

    // The clock runs on from where it was set; GET only reads it
    const set = await call(stack, 'POST', '/_dev/clock', { now: '2031-05-01T09:00:00+01:00' });
    expect(set.json.now).toMatch(/^2031-05-01T08:00:0/);
    const read1 = (await call(stack, 'GET', '/_dev/clock')).json.now as string;
    const read2 = (await call(stack, 'GET', '/_dev/clock')).json.now as string;
    expect(Date.parse(read2) - Date.parse(read1)).toBeLessThan(1_000);
    expect(Date.parse(read1)).toBeGreaterThanOrEqual(Date.parse('2031-05-01T08:00:00Z'));
  });

  it('refuses a clock request that is not exactly one of { advanceMinutes } or { now }', async () => {
    for (const body of [
      {},
      { advanceMinutes: -5 },
      { advanceMinutes: 'ten' },
      { now: 'tomorrow' },
      { advanceMinutes: 1, now: '2030-01-01T00:00:00Z' },
    ]) {
      const response = await call(stack, 'POST', '/_dev/clock', body);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'validation_failed' });
    }
  });

  it('puts a timer of an unknown kind in the DLQ after 5 receives, visible at GET /_dev/dlq', async () => {
    await stack.deps.scheduler.schedule({ name: 'mystery-timer', at: stack.deps.clock.now(), payload: { kind: 'no-such-kind' } });
    await call(stack, 'POST', '/_dev/drain');
    const letters = (await call(stack, 'GET', '/_dev/dlq')).json.messages!;
    expect(letters).toEqual([expect.objectContaining({ queue: 'timers', receiveCount: 5 })]);
    expect(JSON.parse(letters[0]!.body as string)).toMatchObject({ name: 'mystery-timer', kind: 'no-such-kind' });
  });

  it('creates facilitators whose token authenticates, and refuses bad input with field messages', async () => {
    const created = await call(stack, 'POST', '/_dev/facilitators', {
      email: 'fi@example.org',
      displayName: 'Fi',
      role: 'admin',
    });
    expect(created.status).toBe(201);
    const found = await authenticateFacilitator(stack.deps, `Bearer ${created.json.token}`);
    expect(found).toMatchObject({ facilitatorId: created.json.id, role: 'admin' });

    const bad = await call(stack, 'POST', '/_dev/facilitators', { email: 'nope', role: 'king' });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.json.error as { fields: object }).fields)).toEqual(
      expect.arrayContaining(['email', 'displayName', 'role']),
    );
  });

  it('hands out a Standard Webhooks secret and empties the outbox on DELETE', async () => {
    expect((await call(stack, 'GET', '/_dev/webhook-secret')).json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await stack.deps.sms.send('+447700900123', 'test text');
    expect((await call(stack, 'GET', '/_dev/sms')).json.messages).toEqual([
      { to: '+447700900123', body: 'test text', sentAt: expect.any(String) },
    ]);
    expect((await call(stack, 'DELETE', '/_dev/outbox')).status).toBe(200);
    expect((await call(stack, 'GET', '/_dev/outbox')).json.messages).toEqual([]);
  });
});

describe('the local stack across a restart', () => {
  it('keeps the table, the outbox, the secrets and the clock, and does not relay old items again', async () => {
    const dataDir = freshDir();
    try {
      // Prepare: a first run with a sign-up and a moved clock
      const first = await startLocalStack({ port: 0, dataDir, quiet: true });
      await signUp(first, 'durable@example.com');
      await first.drain();
      await call(first, 'POST', '/_dev/clock', { advanceMinutes: 120 });
      const secret = (await call(first, 'GET', '/_dev/webhook-secret')).json.secret;
      await expect(startLocalStack({ port: 0, dataDir, quiet: true })).rejects.toThrow(/already uses/);
      await first.stop();

      // Act: a second run on the same folder
      const second = await startLocalStack({ port: 0, dataDir, quiet: true });
      try {
        await second.drain();

        // Assess
        expect((await second.deps.members.findByEmail('durable@example.com'))?.status).toBe('pending');
        expect(
          (await call(second, 'GET', '/_dev/outbox')).json.messages!.filter((m) => m.to === 'durable@example.com'),
        ).toHaveLength(1);
        expect((await call(second, 'GET', '/_dev/webhook-secret')).json.secret).toBe(secret);
        expect(second.deps.clock.now().getTime() - Date.now()).toBeGreaterThanOrEqual(119 * 60_000);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Every live descendant of a process (Linux /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

describe('npm start (local/start.ts)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function startCli(env: Record<string, string>) {
    const dataDir = freshDir();
    dirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', KITH_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => {
      stdout += c;
    });
    child.stderr!.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = /^kith local stack ready at (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
        if (match) resolve(match[1]!);
      };
      child.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    ready.catch(() => undefined); // a test that expects a failed start awaits `exited` instead
    return { child, ready, exited, output: () => ({ stdout, stderr }) };
  }

  const waitUntilGone = async (pids: number[]) => {
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    return pids.filter(alive);
  };

  it('prints the ready line, serves, and on Ctrl-C stops everything it started', async () => {
    const cli = startCli({});
    const url = await cli.ready;
    expect((await fetch(`${url}/_dev/outbox`)).status).toBe(200);
    const started = descendants(cli.child.pid!);
    expect(started.length).toBeGreaterThan(0); // DynamoDB Local (Java) under its watchdog

    cli.child.kill('SIGINT');

    expect(await cli.exited).toBe(0);
    expect(await waitUntilGone(started)).toEqual([]);
  });

  it('leaves no Java behind even when it is killed outright', async () => {
    const cli = startCli({});
    await cli.ready;
    const started = descendants(cli.child.pid!);

    cli.child.kill('SIGKILL');
    await cli.exited;

    expect(await waitUntilGone(started)).toEqual([]);
  });

  it('exits 1 with the problem named by file when the organisation config is missing', async () => {
    const cli = startCli({ KITH_ORG: 'no-such-org' });
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(
      /config\/orgs\/no-such-org\.json is not a valid organisation config:\n {2}\(root\): the file does not exist/,
    );
    expect(cli.output().stdout).not.toMatch(/ready at/);
  });
});
