import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** CI's advisory gate (.ci/run → .ci/audit-verdict.mjs), fed `npm audit --omit=dev --json` outputs. */
const script = fileURLToPath(new URL('../../.ci/audit-verdict.mjs', import.meta.url));
const verdict = (input: string, env: Record<string, string> = {}) => {
  const run = spawnSync(process.execPath, [script], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: run.status, out: run.stdout, err: run.stderr };
};

const report = (vulnerabilities: Record<string, unknown>, counts: Partial<Record<string, number>>) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts },
      dependencies: { prod: 120, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 120 },
    },
  });

describe('the advisory gate', () => {
  it('fails on a high advisory in a production dependency, naming it', () => {
    const r = verdict(
      report(
        {
          'fast-xml-parser': {
            name: 'fast-xml-parser',
            severity: 'high',
            isDirect: false,
            via: [{ title: 'fast-xml-parser has a ReDoS', url: 'https://github.com/advisories/GHSA-x', severity: 'high' }],
            range: '<4.4.1',
            fixAvailable: true,
          },
        },
        { high: 1, total: 1 },
      ),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('ADVISORY GATE FAILED');
    expect(r.err).toContain('HIGH fast-xml-parser <4.4.1: fast-xml-parser has a ReDoS https://github.com/advisories/GHSA-x');
  });

  it('fails on a critical one reached through another package', () => {
    const r = verdict(
      report({ a: { name: 'a', severity: 'critical', via: ['b'], range: '*', fixAvailable: false } }, { critical: 1, total: 1 }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('CRITICAL a *: via b');
  });

  it('passes with only moderate and low advisories, and says what it checked', () => {
    const r = verdict(report({ m: { name: 'm', severity: 'moderate', via: [] } }, { moderate: 1, low: 2, total: 3 }));
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 critical, 0 high, 1 moderate, 2 low (3 total); gate passed');
  });

  it('says loudly that nothing was checked when the service refuses (this registry mirror: 405), without failing', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    });
    const r = verdict(refused);
    expect(r.code).toBe(0);
    expect(r.err).toContain('ADVISORIES NOT CHECKED');
    expect(r.err).toContain('405 Method Not Allowed');
    expect(verdict('').err).toContain('ADVISORIES NOT CHECKED');
  });

  it('fails an unchecked run where checking is required (KITH_AUDIT_REQUIRED=1)', () => {
    expect(verdict('', { KITH_AUDIT_REQUIRED: '1' }).code).toBe(3);
  });
});
