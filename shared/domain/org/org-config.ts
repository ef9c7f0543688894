import * as z from 'zod';

/**
 * One organisation's configuration. The same schema validates `config/orgs/<slug>.json` at
 * `cdk synth` time, in the local stack, and (bundled into each function) at cold start.
 * Messages are written for an operator editing the file.
 */

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, { message: 'use international format, e.g. +447700900123' });
const email = z.email({ message: 'must be an email address, e.g. lead@example.org' });
const minutes = z
  .number()
  .int()
  .positive()
  .max(7 * 24 * 60);

export const CrisisLine = z.object({
  name: z.string().min(1),
  phone: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  url: z.url().optional(),
  hours: z.string().min(1).optional(),
});

export const SafeguardingContact = z.object({
  name: z.string().min(1),
  email,
  phone: e164.optional(),
});

export const Urgency = z.enum(['immediate', 'same_day', 'routine']);
export type Urgency = z.infer<typeof Urgency>;

export const EscalationLevel = z.object({
  name: z.string().min(1),
  contacts: z.array(SafeguardingContact).min(1, { message: 'each level needs at least one contact' }),
  /** Minutes to wait for an acknowledgement before moving to the next level, per urgency. */
  ackTimeoutMinutes: z.object({ immediate: minutes, same_day: minutes, routine: minutes }),
});

export const OrgConfig = z.object({
  name: z.string().min(1),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, {
    message: 'use 1-32 lowercase letters, digits and hyphens, e.g. riverside-peer-support',
  }),
  aws: z.object({
    account: z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region, e.g. eu-west-2' }),
  }),
  /** Public base URL of the API (custom domain); when absent the API Gateway URL is used. */
  publicUrl: z.url().optional(),
  timeZone: z.string().refine((tz) => isTimeZone(tz), { message: 'must be an IANA time zone, e.g. Europe/London' }),
  email: z.object({
    from: email,
    /** Verify a whole domain (DKIM) instead of the single from-address. */
    domain: z.string().min(3).optional(),
    replyTo: email.optional(),
    /** True while the SES account is still in the sandbox (only verified recipients). */
    sesSandbox: z.boolean().default(true),
    /**
     * The account's SES maximum send rate (emails per second; the SES console's "Maximum send rate").
     * Absent: 1 in the sandbox, 14 with production access (SES's starting quotas).
     */
    maxSendRate: z.number({ message: 'must be a number of emails per second' }).positive().max(10_000).optional(),
  }),
  phone: z.string().min(1).describe('the organisation phone number shown when a form cannot be sent'),
  crisisLines: z.array(CrisisLine).min(1, { message: 'list at least one crisis line for signposting' }),
  groupAgreement: z.object({ version: z.string().min(1), text: z.string().min(1) }),
  privacyNotice: z.object({ version: z.string().min(1), url: z.url().optional(), text: z.string().min(1) }),
  confidentiality: z.object({ version: z.string().min(1), text: z.string().min(1) }),
  members: z
    .object({
      confirmTokenHours: z.number().int().positive().max(168).default(48),
      manageTokenDays: z.number().int().positive().max(400).default(180),
      /** Confirmation or reminder emails one address can trigger in 24 hours. */
      maxSignupEmailsPerDay: z.number().int().positive().max(20).default(5),
    })
    .prefault({}),
  checkins: z
    .object({
      enabled: z.boolean().default(true),
      delayMinutes: minutes.default(120),
      reminderAfterHours: z.number().int().positive().default(48),
      expiryHours: z.number().int().positive().default(96),
      alertThreshold: z.number().int().min(1).max(5).default(2),
      staffAlerts: z.boolean().default(true),
    })
    .prefault({}),
  sessions: z
    .object({
      roomBufferMinutes: z.number().int().min(0).max(240).default(60),
      reminderMinutesBefore: z.array(minutes).default([1440, 60]),
      waitlistClaimHours: z.number().int().positive().max(72).default(12),
    })
    .prefault({}),
  safeguarding: z.object({
    levels: z.array(EscalationLevel).min(1, { message: 'configure at least one level of safeguarding leads' }),
    repeatCount: z.number().int().min(0).max(10).default(2),
    resolveWithinHours: z.number().int().positive().default(24),
    debriefContact: z.object({ name: z.string().min(1), email, phone: e164.optional() }),
  }),
  retention: z
    .object({
      checkinAnswersMonths: z.number().int().positive().max(120).default(12),
      safeguardingRecordsYears: z.number().int().positive().max(100).default(7),
      logDays: z.number().int().positive().default(30),
    })
    .prefault({}),
  operator: z.object({ alarmEmail: email }),
  trustees: z.object({ name: z.string().min(1), email }),
});
export type OrgConfig = z.infer<typeof OrgConfig>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

/** `safeguarding.levels[0].contacts[1].phone: use international format, …` */
export function formatConfigIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${operatorMessage(issue)}`);
}

/**
 * zod's built-in messages ("Invalid input: expected string, received undefined") rewritten as
 * instructions; messages the schema wrote itself are kept as they are.
 */
function operatorMessage(issue: z.core.$ZodIssue): string {
  const { message } = issue;
  const builtIn = /^(Invalid input|Too small|Too big|Invalid option)/.test(message);
  if (!builtIn) return message;
  switch (issue.code) {
    case 'invalid_type':
      return message.endsWith('received undefined')
        ? `is missing: add it (${article(issue.expected)})`
        : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'must not be empty' : `use at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `list at least ${issue.minimum}`;
      return issue.inclusive === false ? `must be more than ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `use at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `list at most ${issue.maximum}`;
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return message;
  }
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Fields the schema does not know (zod drops them silently): almost always a misspelling, which
 * would otherwise leave a setting at its default without a word.
 */
export function unknownFields(raw: unknown, parsed: unknown, path: PropertyKey[] = []): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    return raw.flatMap((item, i) => unknownFields(item, parsed[i], [...path, i]));
  }
  if (!isRecord(raw) || !isRecord(parsed)) return [];
  return Object.keys(raw).flatMap((key) =>
    key in parsed
      ? unknownFields(raw[key], parsed[key], [...path, key])
      : [`${formatPath([...path, key])}: not a setting kith knows; check the spelling against config/orgs/example.json`],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rules about the whole policy rather than one field. */
export function policyProblems(org: OrgConfig): string[] {
  const problems: string[] = [];
  org.crisisLines.forEach((line, i) => {
    if (!line.phone && !line.text && !line.url) {
      problems.push(`crisisLines[${i}]: give a phone, text or url, so a person can reach ${line.name}`);
    }
  });
  const first = org.safeguarding.levels[0];
  if (first && !first.contacts.some((contact) => contact.phone)) {
    problems.push(
      'safeguarding.levels[0].contacts: give at least one contact a phone (e.g. +447700900123), so an immediate escalation also goes by SMS',
    );
  }
  org.safeguarding.levels.forEach((level, i) => {
    const seen = new Set<string>();
    level.contacts.forEach((contact, j) => {
      const address = contact.email.toLowerCase();
      if (seen.has(address))
        problems.push(`safeguarding.levels[${i}].contacts[${j}].email: ${contact.email} is listed twice in this level`);
      seen.add(address);
    });
  });
  return problems;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export class OrgConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid organisation config:\n  ${problems.join('\n  ')}`);
    this.name = 'OrgConfigError';
  }
}

/** Parses and checks a config; every problem is reported at once, each named by its path. */
export function parseOrgConfig(raw: unknown, source = 'org config'): OrgConfig {
  const result = OrgConfig.safeParse(raw);
  if (!result.success) throw new OrgConfigError(source, formatConfigIssues(result.error));
  const problems = [...unknownFields(raw, result.data), ...policyProblems(result.data)];
  if (problems.length) throw new OrgConfigError(source, problems);
  return result.data;
}
