import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrg, OrgArgumentError, repoRoot } from '../../infra/load-org.ts';
import { OrgConfigError } from '../../shared/domain/org/org-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'kith-orgs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = JSON.parse(readFileSync(join(repoRoot, 'config', 'orgs', 'example.json'), 'utf8'));

function writeOrg(slug: string, config: unknown): void {
  writeFileSync(join(dir, `${slug}.json`), typeof config === 'string' ? config : JSON.stringify(config));
}

function problemsOf(slug: string): string[] {
  try {
    loadOrg(slug, dir);
  } catch (error) {
    if (error instanceof OrgConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${slug} loaded without problems`);
}

describe('loadOrg', () => {
  it('loads and validates config/orgs/example.json', () => {
    const org = loadOrg('example');
    expect(org.slug).toBe('example');
    expect(org.aws).toEqual({ account: '123456789012', region: 'eu-west-2' });
    expect(org.retention.logDays).toBe(30);
  });

  it('names every problem by its path in the file', () => {
    // Prepare
    const bad = structuredClone(example);
    bad.slug = 'broken';
    bad.aws.account = '1234';
    bad.safeguarding.levels[0].contacts[0].phone = '07700 900123';
    bad.operator.alarmEmail = 'ops at example.org';
    writeOrg('broken', bad);

    // Act
    const act = () => loadOrg('broken', dir);

    // Assess
    expect(act).toThrow(OrgConfigError);
    expect(act).toThrow(/broken\.json is not a valid organisation config/);
    expect(problemsOf('broken')).toEqual([
      'aws.account: must be a 12-digit AWS account id',
      'safeguarding.levels[0].contacts[0].phone: use international format, e.g. +447700900123',
      'operator.alarmEmail: must be an email address, e.g. lead@example.org',
    ]);
  });

  it('rejects a file that is not JSON, or is missing', () => {
    writeOrg('not-json', '{ "slug": "not-json", ');
    expect(problemsOf('not-json')).toEqual([expect.stringMatching(/^\(root\): the file is not valid JSON/)]);
    expect(problemsOf('absent')).toEqual(['(root): the file does not exist; create it from config/orgs/example.json']);
  });

  it('requires the slug to match the file name', () => {
    writeOrg('renamed', { ...example, slug: 'example' });
    expect(problemsOf('renamed')).toEqual(['slug: "example" must match the file name (renamed.json)']);
  });

  it('requires the from-address to be at the verified domain, and a retention CloudWatch accepts', () => {
    writeOrg('mismatch', {
      ...example,
      slug: 'mismatch',
      email: { from: 'groups@other.example', domain: 'example.org' },
      retention: { logDays: 45 },
    });
    const problems = problemsOf('mismatch');
    expect(problems).toContain('email.from: must be an address at example.org (email.domain), the identity SES verifies');
    expect(problems).toContainEqual(
      expect.stringMatching(/^retention\.logDays: CloudWatch Logs keeps logs for one of 1, 3, 5, 7, 14, 30,/),
    );

    writeOrg('subdomain', { ...example, slug: 'subdomain', email: { from: 'groups@mail.example.org', domain: 'example.org' } });
    expect(loadOrg('subdomain', dir).email.domain).toBe('example.org');
  });

  it('asks for -c org when it is missing or not a slug', () => {
    expect(() => loadOrg(undefined, dir)).toThrow(OrgArgumentError);
    expect(() => loadOrg('../secrets', dir)).toThrow(/-c org=\.\.\/secrets: not a slug/);
  });
});

/** Sets `value` at a dotted path (`a.b[0].c`) of a copy of the example; `undefined` deletes it. */
function exampleWith(path: string, value: unknown): Record<string, unknown> {
  const config = structuredClone(example);
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = config;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part];
  }
  const last = parts.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return config;
}

describe('a table of bad configs: each problem names its path and says how to fix it', () => {
  const cases: [string, unknown, string][] = [
    ['name', undefined, 'name: is missing: add it (a string)'],
    ['name', '', 'name: must not be empty'],
    ['aws.region', 'London', 'aws.region: must be an AWS region, e.g. eu-west-2'],
    ['aws', undefined, 'aws: is missing: add it (an object)'],
    ['timeZone', 'GMT+1', 'timeZone: must be an IANA time zone, e.g. Europe/London'],
    ['email.from', 'groups', 'email.from: must be an email address, e.g. lead@example.org'],
    ['email.sesSandbox', 'yes', 'email.sesSandbox: must be a boolean'],
    ['email.maxSendRate', 'fast', 'email.maxSendRate: must be a number of emails per second'],
    [
      'email.sesSandBox',
      false,
      'email.sesSandBox: not a setting kith knows; check the spelling against config/orgs/example.json',
    ],
    ['crisisLines', [], 'crisisLines: list at least one crisis line for signposting'],
    [
      'crisisLines[2].txt',
      'Text SHOUT',
      'crisisLines[2].txt: not a setting kith knows; check the spelling against config/orgs/example.json',
    ],
    ['crisisLines[1]', { name: 'Samaritans' }, 'crisisLines[1]: give a phone, text or url, so a person can reach Samaritans'],
    ['groupAgreement.version', undefined, 'groupAgreement.version: is missing: add it (a string)'],
    ['confidentiality.text', '', 'confidentiality.text: must not be empty'],
    ['checkins.alertThreshold', 9, 'checkins.alertThreshold: must be at most 5'],
    ['checkins.delayMinutes', 1.5, 'checkins.delayMinutes: must be a whole number'],
    ['safeguarding.levels', [], 'safeguarding.levels: configure at least one level of safeguarding leads'],
    ['safeguarding.levels[1].contacts', [], 'safeguarding.levels[1].contacts: each level needs at least one contact'],
    [
      'safeguarding.levels[0].contacts[0].phone',
      '07700 900123',
      'safeguarding.levels[0].contacts[0].phone: use international format, e.g. +447700900123',
    ],
    [
      'safeguarding.levels[0].contacts[0].phone',
      undefined,
      'safeguarding.levels[0].contacts: give at least one contact a phone (e.g. +447700900123), so an immediate escalation also goes by SMS',
    ],
    [
      'safeguarding.levels[2].ackTimeoutMinutes.immediate',
      0,
      'safeguarding.levels[2].ackTimeoutMinutes.immediate: must be more than 0',
    ],
    [
      'safeguarding.levels[0].ackTimeoutMinutes.same_day',
      undefined,
      'safeguarding.levels[0].ackTimeoutMinutes.same_day: is missing: add it (a number)',
    ],
    ['safeguarding.repeatCount', 11, 'safeguarding.repeatCount: must be at most 10'],
    [
      'safeguarding.debriefContact.email',
      'support',
      'safeguarding.debriefContact.email: must be an email address, e.g. lead@example.org',
    ],
    ['retention.checkinAnswersMonths', -1, 'retention.checkinAnswersMonths: must be more than 0'],
    [
      'retention.safeguardingRecordsYrs',
      7,
      'retention.safeguardingRecordsYrs: not a setting kith knows; check the spelling against config/orgs/example.json',
    ],
    ['operator', undefined, 'operator: is missing: add it (an object)'],
    ['trustees.email', 'chair', 'trustees.email: must be an email address, e.g. lead@example.org'],
  ];

  it.each(cases)('%s = %j', (path, value, problem) => {
    writeOrg('table', { ...exampleWith(path, value), slug: 'table' });
    expect(problemsOf('table')).toEqual([problem]);
  });

  it('reports a contact listed twice in one level', () => {
    const config = structuredClone(example);
    config.slug = 'twice';
    config.safeguarding.levels[0].contacts.push({ name: 'Again', email: 'LEAD@example.org' });
    writeOrg('twice', config);
    expect(problemsOf('twice')).toEqual([
      'safeguarding.levels[0].contacts[1].email: LEAD@example.org is listed twice in this level',
    ]);
  });
});

describe('the CDK app (infra/app.ts)', () => {
  const runApp = (context: Record<string, unknown>, outdir: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });

  it('prints each problem and exits non-zero for an org it cannot load', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kith-app-'));
    try {
      const missing = runApp({ org: 'no-such-org' }, outdir);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('config/orgs/no-such-org.json is not a valid organisation config:');
      expect(missing.stderr).toContain('  (root): the file does not exist');

      const unnamed = runApp({}, outdir);
      expect(unnamed.status).toBe(1);
      expect(unnamed.stderr).toContain('Name the organisation with `-c org=<slug>`');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 30_000);

  it('synthesizes Kith-<slug> pinned to the account and region of the config', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kith-app-'));
    try {
      const cdkContext = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context;
      const result = runApp({ ...cdkContext, org: 'example', 'aws:cdk:bundling-stacks': [] }, outdir);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
      expect(manifest.artifacts['Kith-example']).toMatchObject({
        type: 'aws:cloudformation:stack',
        environment: 'aws://123456789012/eu-west-2',
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
