import { parseMemberMailEvent, sendMemberEmail } from '../../shared/domain/members/send-member-email.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `member-mail` queue (topic `member-notifications`): one DomainEvent JSON per message
 * (raw delivery). A failure is reported as a batch item failure, so only that message is retried.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'members' | 'mail' | 'deliveries' | 'tokens' | 'links'>) =>
  sqsHandler('member-mail', async (body) => {
    await sendMemberEmail(deps, parseMemberMailEvent(body));
  });

export const handler = makeHandler(awsDeps());
