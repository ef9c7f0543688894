import * as z from '../../zod.ts';

/**
 * One organisation's configuration. The same schema validates `config/orgs/<slug>.json` at
 * `cdk synth` time, in the local stack, and (bundled into each function) at cold start.
 * Messages are written for an operator editing the file.
 */

const e164 = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, { message: 'use international format, e.g. +447700900123' }));
const email = z.email({ message: 'must be an email address, e.g. lead@example.org' });
/** A whole number within bounds, with zod's own message for each bound. */
const wholeNumber = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));
const positiveWhole = (max?: number) =>
  max === undefined ? z.number().check(z.int(), z.positive()) : z.number().check(z.int(), z.positive(), z.lte(max));
const minutes = z.number().check(z.int(), z.positive(), z.lte(7 * 24 * 60));

const nonEmpty = () => z.string().check(z.minLength(1));

export const CrisisLine = z.object({
  name: nonEmpty(),
  phone: z.optional(nonEmpty()),
  text: z.optional(nonEmpty()),
  url: z.optional(z.url()),
  hours: z.optional(nonEmpty()),
});

export const SafeguardingContact = z.object({
  name: nonEmpty(),
  email,
  phone: z.optional(e164),
});

export const Urgency = z.enum(['immediate', 'same_day', 'routine']);
export type Urgency = z.infer<typeof Urgency>;

export const EscalationLevel = z.object({
  name: nonEmpty(),
  contacts: z.array(SafeguardingContact).check(z.minLength(1, { message: 'each level needs at least one contact' })),
  /** Minutes to wait for an acknowledgement before moving to the next level, per urgency. */
  ackTimeoutMinutes: z.object({ immediate: minutes, same_day: minutes, routine: minutes }),
});

export const OrgConfig = z.object({
  name: nonEmpty(),
  slug: z.string().check(
    z.regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, {
      message: 'use 1-32 lowercase letters, digits and hyphens, e.g. riverside-peer-support',
    }),
  ),
  aws: z.object({
    account: z.string().check(z.regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' })),
    region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region, e.g. eu-west-2' })),
  }),
  /** Public base URL of the API (custom domain); when absent the API Gateway URL is used. */
  publicUrl: z.optional(z.url()),
  timeZone: z.string().check(z.refine((tz) => isTimeZone(tz), { message: 'must be an IANA time zone, e.g. Europe/London' })),
  email: z.object({
    from: email,
    /** Verify a whole domain (DKIM) instead of the single from-address. */
    domain: z.optional(z.string().check(z.minLength(3))),
    replyTo: z.optional(email),
    /** True while the SES account is still in the sandbox (only verified recipients). */
    sesSandbox: z._default(z.boolean(), true),
    /**
     * The account's SES maximum send rate (emails per second; the SES console's "Maximum send rate").
     * Absent: 1 in the sandbox, 14 with production access (SES's starting quotas).
     */
    maxSendRate: z.optional(z.number({ message: 'must be a number of emails per second' }).check(z.positive(), z.lte(10_000))),
  }),
  /** The organisation phone number shown when a form cannot be sent. */
  phone: nonEmpty(),
  crisisLines: z.array(CrisisLine).check(z.minLength(1, { message: 'list at least one crisis line for signposting' })),
  groupAgreement: z.object({ version: nonEmpty(), text: nonEmpty() }),
  privacyNotice: z.object({ version: nonEmpty(), url: z.optional(z.url()), text: nonEmpty() }),
  confidentiality: z.object({ version: nonEmpty(), text: nonEmpty() }),
  members: z.prefault(
    z.object({
      confirmTokenHours: z._default(positiveWhole(168), 48),
      manageTokenDays: z._default(positiveWhole(400), 180),
      /** Confirmation or reminder emails one address can trigger in 24 hours. */
      maxSignupEmailsPerDay: z._default(positiveWhole(20), 5),
    }),
    {},
  ),
  checkins: z.prefault(
    z.object({
      enabled: z._default(z.boolean(), true),
      delayMinutes: z._default(minutes, 120),
      reminderAfterHours: z._default(positiveWhole(), 48),
      expiryHours: z._default(positiveWhole(), 96),
      alertThreshold: z._default(wholeNumber(1, 5), 2),
      staffAlerts: z._default(z.boolean(), true),
    }),
    {},
  ),
  sessions: z.prefault(
    z.object({
      roomBufferMinutes: z._default(wholeNumber(0, 240), 60),
      reminderMinutesBefore: z._default(z.array(minutes), [1440, 60]),
      waitlistClaimHours: z._default(positiveWhole(72), 12),
    }),
    {},
  ),
  safeguarding: z.object({
    levels: z.array(EscalationLevel).check(z.minLength(1, { message: 'configure at least one level of safeguarding leads' })),
    repeatCount: z._default(wholeNumber(0, 10), 2),
    resolveWithinHours: z._default(positiveWhole(), 24),
    debriefContact: z.object({ name: nonEmpty(), email, phone: z.optional(e164) }),
  }),
  retention: z.prefault(
    z.object({
      checkinAnswersMonths: z._default(positiveWhole(120), 12),
      safeguardingRecordsYears: z._default(positiveWhole(100), 7),
      logDays: z._default(positiveWhole(), 30),
    }),
    {},
  ),
  operator: z.object({ alarmEmail: email }),
  trustees: z.object({ name: nonEmpty(), email }),
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
