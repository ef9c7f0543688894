import type { ControllableClock } from '../shared/adapters/local/controllable-clock.ts';
import type { DeadLetter } from '../shared/adapters/local/local-queue.ts';
import type { LocalScheduler } from '../shared/adapters/local/local-scheduler.ts';
import type { OutboxMailer } from '../shared/adapters/local/outbox-mailer.ts';
import type { SmsOutbox } from '../shared/adapters/local/outbox-sms.ts';
import { UnavailableError } from '../shared/domain/errors.ts';
import { createFacilitator } from '../shared/domain/facilitators/create-facilitator.ts';
import type { Deps } from '../shared/ports/index.ts';
import * as z from '../shared/zod.ts';
import type { DevRoute } from './http-server.ts';
import { DrainTimeoutError } from './pump.ts';

/** `/_dev/*`: the local-only surface for developers and end-to-end tests. Never deployed. */
export interface DevSurface {
  deps: Pick<Deps, 'facilitators' | 'ids'> & {
    clock: ControllableClock;
    mail: OutboxMailer;
    sms: SmsOutbox;
    scheduler: LocalScheduler;
  };
  webhookSecret: string;
  drain(): Promise<void>;
  deadLetters(): DeadLetter[];
  clearDeadLetters(): number;
  /** The outbox relay's dead letters are its on-failure messages (`kith outbox republish` removes them one by one). */
  relayName: string;
  removeRelayDeadLetters(ids: readonly string[]): number;
}

const ClockRequest = z
  .strictObject({
    advanceMinutes: z.optional(
      z
        .number({ message: 'must be a number of minutes' })
        .check(
          z.gte(0, { message: 'must be zero or more (set { now } to go back)' }),
          z.lte(10 * 366 * 24 * 60, { message: 'must be at most ten years' }),
        ),
    ),
    now: z.optional(
      z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with an offset, e.g. 2026-11-22T10:00:00Z' }),
    ),
  })
  .check(
    z.refine((b) => (b.advanceMinutes === undefined) !== (b.now === undefined), {
      message: 'send either { "advanceMinutes": n } or { "now": "<ISO time>" }',
    }),
  );

export function devRoutes(surface: DevSurface): DevRoute[] {
  const { deps } = surface;
  const drain = async () => {
    try {
      await surface.drain();
    } catch (error) {
      if (error instanceof DrainTimeoutError) throw new UnavailableError(error.message);
      throw error;
    }
  };
  const ok = (body: unknown, status = 200) => ({ status, body });
  const badRequest = (field: string, message: string) => ({
    status: 400,
    body: { error: { code: 'validation_failed', message: 'The request is not valid.', fields: { [field]: message } } },
  });
  return [
    { method: 'GET', path: '/_dev/outbox', handle: async () => ok({ messages: deps.mail.list() }) },
    { method: 'DELETE', path: '/_dev/outbox', handle: async () => ok({ deleted: deps.mail.clear() }) },
    { method: 'GET', path: '/_dev/sms', handle: async () => ok({ messages: deps.sms.list() }) },
    { method: 'DELETE', path: '/_dev/sms', handle: async () => ok({ deleted: deps.sms.clear() }) },
    {
      method: 'GET',
      path: '/_dev/clock',
      handle: async () => ok({ now: deps.clock.now().toISOString(), offsetMinutes: deps.clock.offsetMs() / 60_000 }),
    },
    {
      method: 'POST',
      path: '/_dev/clock',
      async handle({ body }) {
        const request = ClockRequest.parse(body);
        if (request.now !== undefined) deps.clock.set(new Date(request.now));
        else deps.clock.advance(request.advanceMinutes ?? 0);
        // Fires every timer now due, and waits for all it set off (streams, topics, queues).
        await drain();
        return ok({ now: deps.clock.now().toISOString() });
      },
    },
    {
      method: 'POST',
      path: '/_dev/drain',
      async handle() {
        await drain();
        return ok({ idle: true });
      },
    },
    { method: 'GET', path: '/_dev/timers', handle: async () => ok({ timers: deps.scheduler.list() }) },
    {
      method: 'POST',
      path: '/_dev/facilitators',
      async handle({ body }) {
        const { facilitatorId, token } = await createFacilitator(deps, body as never);
        return ok({ id: facilitatorId, token }, 201);
      },
    },
    { method: 'GET', path: '/_dev/webhook-secret', handle: async () => ok({ secret: surface.webhookSecret }) },
    { method: 'GET', path: '/_dev/dlq', handle: async () => ok({ messages: surface.deadLetters() }) },
    {
      method: 'DELETE',
      path: '/_dev/dlq',
      // Every dead letter; or, with ?queue=<the relay>&messageId=…&messageId=…, those of the relay.
      async handle({ query }) {
        const queue = query.get('queue');
        if (queue === null) return ok({ deleted: surface.clearDeadLetters() });
        if (queue !== surface.relayName)
          return badRequest('queue', `only the relay's dead letters (${surface.relayName}) are deleted one by one`);
        const ids = query.getAll('messageId');
        if (!ids.length) return badRequest('messageId', 'name at least one message to delete');
        return ok({ deleted: surface.removeRelayDeadLetters(ids) });
      },
    },
  ];
}
