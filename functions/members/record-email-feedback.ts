import { parseSesFeedback, recordEmailFeedback } from '../../shared/domain/members/record-email-feedback.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock } from '../../shared/runtime/aws/core.ts';
import { members } from '../../shared/runtime/aws/dynamo.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `ses-feedback` queue: SES bounce and complaint events for member mail (configuration set
 * event destination → SNS topic → this queue, raw delivery). Hard bounces stop mail to the member;
 * complaints unsubscribe them. A malformed message fails, retries, then parks in the DLQ (alarmed).
 */
export const makeHandler = (deps: Pick<Deps, 'members' | 'clock'>) =>
  sqsHandler('ses-feedback', async (body) => {
    await recordEmailFeedback(deps, parseSesFeedback(body));
  });

export const handler = makeHandler(composeDeps({ clock, members }));
