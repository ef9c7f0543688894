import { notifyEscalation, parseEscalationAlertEvent } from '../../shared/domain/safeguarding/notify-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `escalation-email` queue (topic `safeguarding-escalations`): one escalation event per message
 * (raw delivery). A failure is reported as a batch item failure, so only that message is retried.
 */
export const makeHandler = (
  deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'sms' | 'deliveries' | 'links' | 'clock' | 'scheduler'>,
) =>
  sqsHandler('escalation-email', async (body) => {
    await notifyEscalation(deps, parseEscalationAlertEvent(body), 'email');
  });

export const handler = makeHandler(awsDeps());
