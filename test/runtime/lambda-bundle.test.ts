import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdaNode } from '../../bench/support/cold-import.ts';
import { lambdaBuildOptions } from '../../infra/bundling.ts';
import { facilitator, groupWithSession } from '../domain/sessions/helpers.ts';
import { testDeps } from '../support/deps.ts';
import { testTable } from '../support/dynamo.ts';
import { httpEvent, lambdaContext } from '../support/events.ts';

const root = join(import.meta.dirname, '..', '..');
// Under node_modules, as the bench's levers build: nothing outside the repository is written.
const outDir = join(root, 'node_modules', '.cache', 'kith-test-lambda-bundle');

/** Imports the bundle in a fresh Node 24 (Lambda's) with only the environment Lambda would give, and invokes it once. */
const MARK = 'KITH-RESULT ';
const CHILD = `
const MARK = ${JSON.stringify(MARK)};
const [file, event, context] = process.argv.slice(1);
const { handler } = await import(file);
const result = await handler(JSON.parse(event), JSON.parse(context));
process.stdout.write('\\n' + MARK + JSON.stringify(result));
`;

/**
 * The deployed artefact, not the source: a function built with the Lambda-only aliases (credentials
 * from the environment only; stand-ins for the SDK's event-stream code and endpoint cache) must
 * still make its real DynamoDB calls (Get, Query, a TransactWrite with a ConditionCheck) against the
 * engine.
 */
describe('a function bundled as it deploys', () => {
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('cancels a session on DynamoDB Local with the Lambda-only aliases in place', async () => {
    // Prepare: a table with a group, a session and two facilitators
    const table = await testTable();
    const deps = await testDeps({ table });
    const { session, token } = await groupWithSession(deps);
    const { token: stranger } = await facilitator(deps);
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'cancel-session.mjs');
    const org = JSON.parse(readFileSync(join(root, 'config', 'orgs', 'example.json'), 'utf8'));
    await build({
      ...lambdaBuildOptions(org),
      entryPoints: [join(root, 'functions', 'admin', 'cancel-session.ts')],
      outfile: file,
    });
    const bundle = readFileSync(file, 'utf8');
    // The stand-ins are what was bundled: not the SDK's credential chain, event-stream codec or LRU
    expect(bundle).toContain('leave out the AWS SDK');
    expect(bundle).not.toContain('Truncated event message received');
    expect(bundle).not.toContain('proceed with the AWS_PROFILE value');
    expect(bundle).not.toContain('mnemonist/lru-cache');

    const invoke = async (bearer: string) => {
      const event = httpEvent('POST', `/admin/sessions/${session.sessionId}/cancel`, {
        headers: { authorization: `Bearer ${bearer}` },
        pathParameters: { sessionId: session.sessionId },
      });
      const { stdout } = await promisify(execFile)(
        lambdaNode(root),
        ['--input-type=module', '-e', CHILD, pathToFileURL(file).href, JSON.stringify(event), JSON.stringify(lambdaContext)],
        {
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'eu-west-2',
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_SESSION_TOKEN: 'local',
            AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
            TABLE_NAME: table.tableName,
          },
        },
      );
      // The function's own log lines come first (Lambda would send them to CloudWatch)
      return JSON.parse(stdout.slice(stdout.lastIndexOf(MARK) + MARK.length)) as { statusCode: number; body: string };
    };

    // Act and assess: a stranger is refused by the write's own check; the group's facilitator cancels
    expect((await invoke(stranger)).statusCode).toBe(403);
    expect((await deps.sessions.getSession(session.sessionId))?.status).toBe('scheduled');
    const done = await invoke(token);
    expect(done.statusCode).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ id: session.sessionId, status: 'cancelled' });
    expect((await deps.sessions.getSession(session.sessionId))?.status).toBe('cancelled');
  });
});
