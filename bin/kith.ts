import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateFacilitatorRequest, createFacilitator } from '../shared/domain/facilitators/create-facilitator.ts';
import { eraseMemberByEmail, exportMemberData } from '../shared/domain/operators/member-data.ts';
import { republishRelayFailures } from '../shared/domain/operators/republish-outbox.ts';
import { OrgConfigError } from '../shared/domain/org/org-config.ts';
import { escalationFormLink } from '../shared/domain/safeguarding/escalation-form.ts';
import { runDrill } from '../shared/domain/safeguarding/run-drill.ts';
import { formatWebhookSecret, newWebhookSecret, rotate } from '../shared/domain/webhooks/webhook-secret.ts';
import * as z from '../shared/zod.ts';
import { deployedTarget, localTarget, type OperatorTarget } from './targets.ts';

/**
 * `npm run kith -- <command> (--local [--data-dir .kith] | --org <slug>)`: the operator's tool.
 * Reuses the use cases and repositories of the functions; prints tokens and secrets only where the
 * command exists to show them, and nothing else personal beyond what the command asks for.
 */
export const usage = `kith: operate one organisation's stack

  npm run kith -- <command> --org <slug>                 a deployed Kith-<slug> (your AWS credentials)
  npm run kith -- <command> --local [--data-dir .kith]   the local stack's data (npm start)

commands
  facilitators add <email> <name> [--role facilitator|safeguarding_lead|admin]
                                 creates a facilitator; prints their token once
  facilitators list              id, role, status, email and name of every facilitator
  facilitators revoke <id>       the token stops working at once
  form-link <facilitatorId>      the facilitator's personal link to the hosted escalation form
  webhook-secret show            the escalation webhook secret (whsec_…) to give the form tool
  webhook-secret rotate          a new secret; the old one keeps working until the next rotation
  member export <email>          subject access request: everything held about the member, as JSON
  member erase <email> --yes     erases the member (as their own "delete my data" does)
  escalations list --open        escalations not yet resolved
  escalations drill --urgency immediate|same_day|routine
                                 raises a test escalation (marked DRILL in every alert) as an admin would
  outbox republish [--dry-run]   after the relay's failure alarm, once the cause is fixed: publishes again
                                 every event written around the records the relay gave up on
`;

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface CliOptions {
  /** How targets are opened (tests inject a reader for --org). */
  openLocal?: typeof localTarget;
  openDeployed?: (slug: string) => Promise<OperatorTarget>;
}

class UsageError extends Error {
  override name = 'UsageError';
}

interface Parsed {
  words: string[];
  flags: Map<string, string | true>;
}

const valueFlags = new Set(['--org', '--data-dir', '--role', '--urgency']);

export function parseArgs(argv: readonly string[]): Parsed {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
      if (valueFlags.has(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
        flags.set(name, value);
      } else flags.set(name, true);
    } else words.push(arg);
  }
  return { words, flags };
}

/** Runs one command; resolves to the process exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: readonly string[], io: Io, options: CliOptions = {}): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    io.err((error as Error).message);
    io.err(usage);
    return 2;
  }
  const { words, flags } = parsed;
  if (words.length === 0 || flags.has('--help')) {
    io.out(usage);
    return words.length === 0 && !flags.has('--help') ? 2 : 0;
  }
  const org = flags.get('--org');
  const local = flags.has('--local');
  if ((typeof org === 'string') === local) {
    io.err('Say which stack: --org <slug> (deployed) or --local [--data-dir .kith] (the local stack).');
    return 2;
  }

  let target: OperatorTarget | undefined;
  try {
    // Commands are one word (`form-link`) or two (`facilitators add`).
    const length = commands[words.slice(0, 2).join(' ')] ? 2 : 1;
    const command = words.slice(0, length).join(' ');
    if (!commands[command]) throw new UsageError(`Unknown command "${words.join(' ')}".`);
    target =
      typeof org === 'string'
        ? await (options.openDeployed ?? deployedTarget)(org)
        : await (options.openLocal ?? localTarget)({
            dataDir: String(flags.get('--data-dir') ?? process.env.KITH_DATA_DIR ?? '.kith'),
            ...(process.env.KITH_ORG ? { org: process.env.KITH_ORG } : {}),
          });
    return await commands[command](target, words.slice(length), flags, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      io.err(usage);
      return 2;
    }
    if (error instanceof OrgConfigError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof z.ZodError) {
      for (const issue of error.issues) io.err(`${issue.path.join('.') || 'input'}: ${issue.message}`);
      return 1;
    }
    io.err(`${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    await target?.close();
  }
}

type Command = (target: OperatorTarget, args: string[], flags: Map<string, string | true>, io: Io) => Promise<number>;

function arg(args: string[], index: number, name: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`Missing <${name}>.`);
  return value;
}

const commands: Record<string, Command> = {
  async 'facilitators add'(target, args, flags, io) {
    const request = CreateFacilitatorRequest.parse({
      email: arg(args, 0, 'email'),
      displayName: args.slice(1).join(' ') || arg(args, 1, 'name'),
      ...(typeof flags.get('--role') === 'string' ? { role: flags.get('--role') } : {}),
    });
    const { facilitatorId, token } = await createFacilitator(target.deps, request);
    io.out(`Facilitator ${facilitatorId} (${request.role ?? 'facilitator'}) added to ${target.description}.`);
    io.out('Their token, shown this once (give it to them privately; it cannot be shown again):');
    io.out(token);
    return 0;
  },

  async 'facilitators list'(target, _args, _flags, io) {
    const all = await target.deps.facilitators.list();
    if (all.length === 0) {
      io.out(`No facilitators in ${target.description}.`);
      return 0;
    }
    for (const f of all) {
      io.out([f.facilitatorId, f.role, f.revokedAt ? `revoked ${f.revokedAt}` : 'active', f.email, f.displayName].join('\t'));
    }
    return 0;
  },

  async 'facilitators revoke'(target, args, _flags, io) {
    const id = arg(args, 0, 'id');
    const facilitator = await target.deps.facilitators.get(id);
    if (!facilitator) {
      io.err(`No facilitator ${id} in ${target.description} (see: facilitators list).`);
      return 1;
    }
    await target.deps.facilitators.revoke(id, target.deps.clock.now().toISOString());
    io.out(`Facilitator ${id} revoked: their token no longer works.`);
    return 0;
  },

  async 'form-link'(target, args, _flags, io) {
    const id = arg(args, 0, 'facilitatorId');
    const facilitator = await target.deps.facilitators.get(id);
    if (!facilitator || facilitator.revokedAt) {
      io.err(`No active facilitator ${id} in ${target.description} (see: facilitators list).`);
      return 1;
    }
    io.out(await escalationFormLink(target.deps, id));
    io.err('Give it to the facilitator privately: it lets them raise escalations as themselves (valid 180 days).');
    return 0;
  },

  async 'webhook-secret show'(target, _args, _flags, io) {
    const secret = await target.webhookSecret.read();
    io.out(formatWebhookSecret(secret.current));
    if (secret.previous) io.err('(the previous secret also still verifies, until the next rotation)');
    return 0;
  },

  async 'webhook-secret rotate'(target, _args, _flags, io) {
    const stored = await target.webhookSecret.read();
    const next = newWebhookSecret();
    await target.webhookSecret.write(rotate(stored, next));
    io.out(next);
    io.err(
      'New secret above. Both it and the previous one verify until the next rotation: update the form tool now, then check a test escalation.',
    );
    return 0;
  },

  async 'member export'(target, args, _flags, io) {
    const email = arg(args, 0, 'email');
    const data = await exportMemberData({ ...target.deps, operator: target.operator }, email);
    if (!data) {
      io.err(`No current member has that address in ${target.description}.`);
      return 1;
    }
    io.out(JSON.stringify(data, null, 2));
    return 0;
  },

  async 'member erase'(target, args, flags, io) {
    const email = arg(args, 0, 'email');
    if (!flags.has('--yes')) {
      io.err('Erasure cannot be undone. Run again with --yes to erase this member.');
      return 2;
    }
    const { result, memberId } = await eraseMemberByEmail(target.deps, email);
    if (result === 'not-found') {
      io.err(`No current member has that address in ${target.description}.`);
      return 1;
    }
    io.out(`Member ${memberId} erased; every feature erases what it holds for them (MemberErased).`);
    return 0;
  },

  async 'escalations list'(target, _args, flags, io) {
    if (!flags.has('--open')) throw new UsageError('Only open escalations can be listed: add --open.');
    const open = await target.operator.openEscalations();
    if (open.length === 0) {
      io.out(`No open escalations in ${target.description}.`);
      return 0;
    }
    for (const e of open) {
      io.out([e.escalationId, e.status ?? '', e.level ?? '', e.urgency ?? '', e.category ?? '', e.raisedAt ?? ''].join('\t'));
    }
    return 0;
  },

  async 'escalations drill'(target, _args, flags, io) {
    const { org, clock } = target.deps;
    // The operator acts as an admin; the alarm address stands as the raiser (drills get no debrief).
    const operator = {
      facilitatorId: 'operator',
      email: org.operator.alarmEmail,
      displayName: 'operator',
      role: 'admin' as const,
      createdAt: clock.now().toISOString(),
    };
    const { escalationId, reference } = await runDrill(target.deps, operator, { urgency: flags.get('--urgency') as never });
    io.out(`Drill ${reference} (${escalationId}) raised in ${target.description}: the first level is being alerted.`);
    return 0;
  },

  async 'outbox republish'(target, _args, flags, io) {
    const dryRun = flags.has('--dry-run');
    const report = await republishRelayFailures(
      { outbox: target.outbox, relayFailures: target.relayFailures, clock: target.deps.clock },
      { dryRun },
    );
    if (report.failures === 0) {
      io.out(`The relay has given up on nothing in ${target.description}.`);
      return 0;
    }
    io.out(`${report.failures} relay failure message(s) in ${target.description}.`);
    for (const w of report.windows)
      io.out(`window ${w.from} … ${w.to}: ${w.records} record(s) failed, ${w.events} outbox event(s) in it`);
    for (const e of report.events) io.out([e.occurredAt, e.type, e.id].join('\t'));
    if (dryRun) io.out(`Dry run: ${report.events.length} event(s) would be published again; nothing written or deleted.`);
    else
      io.out(
        `${report.republished} event(s) written again for the relay to publish (consumers handle each event once); ` +
          `${report.removed} failure message(s) deleted.`,
      );
    if (report.unmatched.length)
      io.err(
        `${report.unmatched.length} message(s) found no outbox event in their window (outbox items are kept 7 days) and stay in the queue: ` +
          report.unmatched.join(', '),
      );
    if (report.unreadable.length)
      io.err(
        `${report.unreadable.length} message(s) are not relay failures and stay in the queue: ${report.unreadable.join(', ')}`,
      );
    if (!dryRun && report.republished)
      io.err('If the failure alarm fires again, the cause is not fixed yet: the new failures will be there to republish.');
    return report.unmatched.length || report.unreadable.length ? 1 : 0;
  },
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.env.AWS_EC2_METADATA_DISABLED ??= process.argv.includes('--local') ? 'true' : '';
  const io: Io = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      io.err(String(error));
      process.exitCode = 1;
    },
  );
}
