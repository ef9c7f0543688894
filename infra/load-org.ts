import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OrgConfig, OrgConfigError, parseOrgConfig } from '../shared/domain/org/org-config.ts';

/** The repository root (infra/ lives one level below it). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** The command line did not name a usable organisation. */
export class OrgArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrgArgumentError';
  }
}

/**
 * Reads and validates `config/orgs/<slug>.json`. Every problem is reported as one line named by its
 * path in the file (`safeguarding.levels[0].contacts[0].email: must be an email address, …`), so an
 * operator can fix the file without reading code. Throws an {@link OrgConfigError}.
 */
export function loadOrg(slug: unknown, dir = join(repoRoot, 'config', 'orgs')): OrgConfig {
  if (typeof slug !== 'string' || !slug) {
    throw new OrgArgumentError('Name the organisation with `-c org=<slug>`, e.g. `npx cdk synth -c org=example`.');
  }
  if (!slugPattern.test(slug)) {
    throw new OrgArgumentError(
      `-c org=${slug}: not a slug; use 1-32 lowercase letters, digits and hyphens, e.g. riverside-peer-support.`,
    );
  }
  const file = join(dir, `${slug}.json`);
  const source = relative(process.cwd(), file) || file;
  if (!existsSync(file))
    throw new OrgConfigError(source, ['(root): the file does not exist; create it from config/orgs/example.json']);

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OrgConfigError(source, [`(root): the file is not valid JSON (${(error as Error).message})`]);
  }
  const org = parseOrgConfig(raw, source);
  const problems = deploymentProblems(org, slug);
  if (problems.length) throw new OrgConfigError(source, problems);
  return org;
}

/** Checks that need more than the schema: how the file is named and what SES will accept. */
function deploymentProblems(org: OrgConfig, slug: string): string[] {
  const problems: string[] = [];
  if (org.slug !== slug) problems.push(`slug: "${org.slug}" must match the file name (${slug}.json)`);
  const { domain, from } = org.email;
  if (domain) {
    const fromDomain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
    const verified = domain.toLowerCase();
    if (fromDomain !== verified && !fromDomain.endsWith(`.${verified}`)) {
      problems.push(`email.from: must be an address at ${domain} (email.domain), the identity SES verifies`);
    }
  }
  if (!logRetentionDays.includes(org.retention.logDays)) {
    problems.push(`retention.logDays: CloudWatch Logs keeps logs for one of ${logRetentionDays.join(', ')} days`);
  }
  return problems;
}

/** The retention periods CloudWatch Logs accepts. */
export const logRetentionDays: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
