import { parseMemberMailEvent, sendMemberEmail } from '../../shared/domain/members/send-member-email.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { links, org } from '../../shared/runtime/aws/core.ts';
import { deliveries, members } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `member-mail` queue (topic `member-notifications`): one DomainEvent JSON per message
 * (raw delivery). A failure is reported as a batch item failure, so only that message is retried.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'members' | 'mail' | 'deliveries' | 'tokens' | 'links'>) =>
  sqsHandler('member-mail', async (body) => {
    await sendMemberEmail(deps, parseMemberMailEvent(body));
  });

export const handler = makeHandler(composeDeps({ org, links, members, deliveries, tokens, mail }));
