import { parseSessionMailEvent, sendSessionEmail } from '../../shared/domain/sessions/send-session-email.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `session-mail` queue (topic `member-notifications`, filtered): booking confirmations,
 * waitlist notices, announcements, reschedule/cancel notices; `MemberErased` erases bookings and check-ins.
 */
export const makeHandler = (
  deps: Pick<
    Deps,
    'org' | 'members' | 'sessions' | 'checkins' | 'mail' | 'deliveries' | 'tokens' | 'links' | 'clock' | 'scheduler' | 'ids'
  >,
) =>
  sqsHandler('session-mail', async (body) => {
    await sendSessionEmail(deps, parseSessionMailEvent(body));
  });

export const handler = makeHandler(awsDeps());
