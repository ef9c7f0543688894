import { notifyEscalation, parseEscalationAlertEvent } from '../../shared/domain/safeguarding/notify-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, links, org } from '../../shared/runtime/aws/core.ts';
import { deliveries, escalations } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { scheduler } from '../../shared/runtime/aws/scheduler.ts';
import { sms } from '../../shared/runtime/aws/sns.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `escalation-sms` queue (topic `safeguarding-escalations`): one escalation event per message
 * (raw delivery). A failure is reported as a batch item failure, so only that message is retried.
 */
export const makeHandler = (
  deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'sms' | 'deliveries' | 'links' | 'clock' | 'scheduler'>,
) =>
  sqsHandler('escalation-sms', async (body) => {
    await notifyEscalation(deps, parseEscalationAlertEvent(body), 'sms');
  });

export const handler = makeHandler(composeDeps({ org, clock, links, deliveries, escalations, mail, sms, scheduler }));
