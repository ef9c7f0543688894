import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/kith.ts';
import { deployedTarget } from '../../bin/targets.ts';
import { repoRoot } from '../../infra/load-org.ts';
import { localTable } from '../../local/deps.ts';
import { runningLocalStack, startLocalStack } from '../../local/stack.ts';
import { outboxPut } from '../../shared/adapters/aws/dynamo/outbox.ts';
import { hashBearerToken } from '../../shared/domain/facilitators/facilitator.ts';
import { webhookSigningKey } from '../../shared/domain/webhooks/webhook-secret.ts';
import { startTestStack } from '../support/local-stack.ts';

const run = promisify(execFile);

/** Runs the CLI in-process and collects what it prints. */
async function kith(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the operator CLI against a running local stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let local: string[];
  beforeAll(async () => {
    stack = await startTestStack();
    local = ['--local', '--data-dir', stack.dataDir];
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('adds a facilitator whose token (printed once) authenticates, lists them, and revokes them', async () => {
    // Act
    const added = await kith('facilitators', 'add', 'sam@example.org', 'Sam', 'Lead', '--role', 'safeguarding_lead', ...local);

    // Assess: the token printed is the one the running stack accepts
    expect(added.code).toBe(0);
    const token = added.out.split('\n').find((l) => l.startsWith('kith_'))!;
    const id = /Facilitator (\w+)/.exec(added.out)![1]!;
    const facilitator = await stack.deps.facilitators.findByTokenHash(hashBearerToken(token));
    expect(facilitator).toMatchObject({
      facilitatorId: id,
      email: 'sam@example.org',
      displayName: 'Sam Lead',
      role: 'safeguarding_lead',
    });

    const listed = await kith('facilitators', 'list', ...local);
    expect(listed.out).toContain(`${id}\tsafeguarding_lead\tactive\tsam@example.org\tSam Lead`);
    expect(listed.out).not.toContain(token);

    expect((await kith('facilitators', 'revoke', id, ...local)).code).toBe(0);
    expect(await stack.deps.facilitators.findByTokenHash(hashBearerToken(token))).toBeUndefined();
    expect((await kith('facilitators', 'list', ...local)).out).toMatch(new RegExp(`${id}\\tsafeguarding_lead\\trevoked `));
  });

  it('refuses a bad facilitator with the field named, and an unknown id to revoke', async () => {
    const bad = await kith('facilitators', 'add', 'not-an-email', 'X', ...local);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('email: must be an email address');
    const role = await kith('facilitators', 'add', 'a@example.org', 'A', '--role', 'king', ...local);
    expect(role.code).toBe(1);
    expect(role.err).toContain('role:');
    const unknown = await kith('facilitators', 'revoke', 'NOPE', ...local);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No facilitator NOPE');
  });

  it("prints a facilitator's hosted-form link that the running stack opens, and none for a revoked one", async () => {
    // Prepare
    const added = await kith('facilitators', 'add', 'kit@example.org', 'Kit', ...local);
    const id = /Facilitator (\w+)/.exec(added.out)![1]!;

    // Act
    const link = await kith('form-link', id, ...local);

    // Assess: the link is the stack's own, and its page is the escalation form for that facilitator
    expect(link.code).toBe(0);
    const url = new URL(link.out.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.url}/forms/escalation`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/999/);

    await kith('facilitators', 'revoke', id, ...local);
    expect((await kith('form-link', id, ...local)).code).toBe(1);
    expect((await fetch(url)).status).toBeGreaterThanOrEqual(400);
  });

  it('shows the webhook secret the stack serves, and a rotation keeps the old one as previous', async () => {
    const served = (await stack.call('GET', '/_dev/webhook-secret')).json.secret as string;
    const shown = await kith('webhook-secret', 'show', ...local);
    expect(shown.out).toBe(served);

    const rotated = await kith('webhook-secret', 'rotate', ...local);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSigningKey(rotated.out)).toHaveLength(32);
    const stored = JSON.parse(readFileSync(join(stack.dataDir, 'secrets.json'), 'utf8'));
    expect(stored).toMatchObject({ webhookSecret: rotated.out, previousWebhookSecret: served });
    expect((await kith('webhook-secret', 'show', ...local)).out).toBe(rotated.out);
  });

  it('exports everything about a member (a subject access request), then erases them on --yes only', async () => {
    // Prepare: a member signs up through the running stack
    await stack.call('POST', '/signups', {
      email: 'robin.sar@example.com',
      displayName: 'Robin',
      consents: { groupAgreement: true, privacyNotice: true },
    });
    await stack.drain();
    const member = await stack.deps.members.findByEmail('robin.sar@example.com');

    // Act: export
    const exported = await kith('member', 'export', 'Robin.SAR@example.com', ...local);

    // Assess
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.out);
    expect(data.memberId).toBe(member?.memberId);
    expect(data.items).toEqual([
      expect.objectContaining({ entity: 'member', email: 'robin.sar@example.com', displayName: 'Robin', status: 'pending' }),
    ]);
    expect(JSON.stringify(data)).not.toContain('"pk"');

    // Act: erase, first without --yes
    const unconfirmed = await kith('member', 'erase', 'robin.sar@example.com', ...local);
    expect(unconfirmed.code).toBe(2);
    expect((await stack.deps.members.get(member!.memberId))?.status).toBe('pending');
    const erased = await kith('member', 'erase', 'robin.sar@example.com', '--yes', ...local);

    // Assess: a tombstone, the address free, and nothing left to export
    expect(erased.code).toBe(0);
    const tombstone = await stack.deps.members.get(member!.memberId);
    expect(tombstone).toMatchObject({ status: 'erased' });
    expect(tombstone?.email).toBeUndefined();
    expect(await stack.deps.members.findByEmail('robin.sar@example.com')).toBeUndefined();
    const again = await kith('member', 'export', 'robin.sar@example.com', ...local);
    expect(again.code).toBe(1);
    expect(again.out).toBe('');
  });

  it('lists open escalations (none yet)', async () => {
    const listed = await kith('escalations', 'list', '--open', ...local);
    expect(listed).toMatchObject({ code: 0, out: expect.stringContaining('No open escalations') });
    expect((await kith('escalations', 'list', ...local)).code).toBe(2);
  });

  it('runs a drill: a marked test escalation the running stack alerts on', async () => {
    expect((await kith('escalations', 'drill', '--urgency', 'soon', ...local)).code).toBe(1);
    const drill = await kith('escalations', 'drill', '--urgency', 'routine', ...local);
    expect(drill.code).toBe(0);
    const reference = /Drill (S-\w+)/.exec(drill.out)?.[1];
    expect(reference).toBeDefined();
    await stack.drain();
    const alert = (await stack.outbox()).find((m) => m.to === 'lead@example.org' && m.subject.includes(reference!));
    expect(alert?.subject).toMatch(/^DRILL — TEST ALERT/);
  });

  it('republishes what the relay gave up on, once its cause is fixed: the lost email goes out, nothing is sent twice', async () => {
    // Prepare: a member signs up (one confirmation email); then an outbox event the relay cannot
    // publish (a bug: no such topic) is parked after its retries, as its position only
    const email = 'lost.event@example.com';
    await stack.call('POST', '/signups', { email, displayName: 'Lee', consents: { groupAgreement: true, privacyNotice: true } });
    await stack.drain();
    const member = await stack.deps.members.findByEmail(email);
    const running = runningLocalStack(stack.dataDir)!;
    const table = localTable(running.dynamodb, running.tableName);
    const lost = {
      id: 'E-LOST-1',
      type: 'MemberSignupRequested',
      topic: 'no-such-topic',
      occurredAt: stack.deps.clock.now().toISOString(),
      data: { memberId: member!.memberId },
    };
    await table.client.send(new PutCommand(outboxPut(running.tableName, lost as never).Put!));
    await stack.drain();
    const letters = ((await stack.call('GET', '/_dev/dlq')).json.messages as { queue: string; body: string }[]).filter(
      (l) => l.queue === 'outbox-relay',
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.body).not.toContain(member!.memberId);
    const sentTo = async () => (await stack.outbox()).filter((m) => m.to === email).length;
    expect(await sentTo()).toBe(1);

    // Act: a dry run, then the fix (the item publishable, as a deployed fix would make it), then the republish
    const dry = await kith('outbox', 'republish', '--dry-run', ...local);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`MemberSignupRequested\tE-LOST-1`);
    expect(dry.out).toContain('nothing written or deleted');
    await stack.drain();
    expect(await sentTo()).toBe(1);
    await table.client.send(
      new PutCommand({
        ...outboxPut(running.tableName, { ...lost, topic: 'member-notifications' } as never).Put!,
        ConditionExpression: undefined,
      }),
    );
    const republished = await kith('outbox', 'republish', ...local);
    await stack.drain();

    // Assess: the lost confirmation sent once; the sign-up's own event (in the same window) not again
    expect(republished.code).toBe(0);
    expect(republished.out).toMatch(/[2-9]\d* event\(s\) written again/);
    expect(republished.out).toContain('1 failure message(s) deleted');
    expect(await sentTo()).toBe(2);
    const relayLetters = ((await stack.call('GET', '/_dev/dlq')).json.messages as { queue: string }[]).filter(
      (l) => l.queue === 'outbox-relay',
    );
    expect(relayLetters).toEqual([]);
    expect((await kith('outbox', 'republish', ...local)).out).toContain('The relay has given up on nothing');
    // Only the relay's dead letters are deleted one by one
    const other = await stack.call('DELETE', '/_dev/dlq?queue=timers&messageId=x');
    expect(other.status).toBe(400);
    expect(other.json.error).toMatchObject({ fields: { queue: expect.stringContaining('outbox-relay') } });
    table.client.destroy();
  });

  it('asks which stack, and explains an unknown command, with exit code 2', async () => {
    expect((await kith('facilitators', 'list')).code).toBe(2);
    expect((await kith('facilitators', 'list', '--local', '--org', 'example')).code).toBe(2);
    const unknown = await kith('frobnicate', ...local);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');
  });

  it('runs as a program: npm run kith -- … (node --import tsx bin/kith.ts)', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/kith.ts', 'facilitators', 'list', ...local], {
      cwd: repoRoot,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    expect(stdout).toContain('sam@example.org');
  });
});

describe('the operator CLI without a running stack', () => {
  it('starts DynamoDB Local on the data folder itself, and releases the folder afterwards', async () => {
    // Prepare: a stack that ran once and stopped, leaving a facilitator behind
    const dataDir = mkdtempSync(join(tmpdir(), 'kith-cli-'));
    try {
      const stack = await startLocalStack({ port: 0, dataDir, quiet: true });
      await stack.deps.facilitators.create(
        { facilitatorId: 'F1', email: 'kept@example.org', displayName: 'Kept', role: 'admin', createdAt: '2026-11-22T10:00:00Z' },
        'hash',
      );
      await stack.stop();

      // Act
      const listed = await kith('facilitators', 'list', '--local', '--data-dir', dataDir);

      // Assess
      expect(listed.code).toBe(0);
      expect(listed.out).toContain('F1\tadmin\tactive\tkept@example.org\tKept');
      expect(existsSync(join(dataDir, 'stack.pid'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the operator CLI against a deployed stack (--org)', () => {
  it('finds the table and secrets from the stack outputs, and names a missing output', async () => {
    const asked: string[] = [];
    const target = deployedTarget('example', {
      async read(stackName, region) {
        asked.push(`${stackName} ${region}`);
        return { TableName: 'Kith-example-Table', WebhookSecretArn: 'arn:secret', PublicUrl: 'https://x.example/' };
      },
    });
    const opened = await target;
    expect(asked).toEqual(['Kith-example eu-west-2']);
    expect(opened.description).toBe('Kith-example in eu-west-2');
    expect(opened.publicUrl).toBe('https://x.example/');
    // A stack deployed before the relay's failure queue was an output: only `outbox republish` needs it
    await expect(opened.relayFailures.list()).rejects.toThrow(/has no output RelayFailuresQueueUrl/);
    await opened.close();

    await expect(deployedTarget('example', { read: async () => ({}) })).rejects.toThrow(
      /Kith-example in eu-west-2 has no output TableName: deploy the current version first/,
    );
  });
});
