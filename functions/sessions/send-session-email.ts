import {
  parseSessionMailEvent,
  type SessionMailDeps,
  sendSessionEmail,
} from '../../shared/domain/sessions/send-session-email.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, links, org } from '../../shared/runtime/aws/core.ts';
import { checkins, deliveries, facilitators, members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { scheduler } from '../../shared/runtime/aws/scheduler.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `session-mail` queue (topic `member-notifications`, filtered): booking confirmations,
 * waitlist notices, announcements, reschedule/cancel notices (and their continuations); `MemberErased`
 * erases bookings and check-ins.
 */
export const makeHandler = (deps: SessionMailDeps) =>
  sqsHandler('session-mail', async (body, _record, invocation) => {
    // A fan-out to many members stops in time and continues by event (SessionMailContinued).
    await sendSessionEmail(deps, parseSessionMailEvent(body), invocation);
  });

export const handler = makeHandler(
  composeDeps({ org, clock, ids, links, members, sessions, checkins, deliveries, facilitators, tokens, mail, scheduler }),
);
