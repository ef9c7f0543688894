import { sendWellbeingAlert } from '../../shared/domain/checkins/wellbeing-alert.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { links, org } from '../../shared/runtime/aws/core.ts';
import { deliveries, facilitators, members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/** The `wellbeing-alert` queue (topic `wellbeing-alerts`): a thin email to the group's facilitators. */
export const makeHandler = (
  deps: Pick<Deps, 'org' | 'sessions' | 'members' | 'facilitators' | 'mail' | 'deliveries' | 'links'>,
) =>
  sqsHandler('wellbeing-alert', async (body) => {
    await sendWellbeingAlert(deps, body);
  });

export const handler = makeHandler(composeDeps({ org, links, members, facilitators, sessions, deliveries, mail }));
