import { notifyTrustees, parseSeriousHarmEvent } from '../../shared/domain/safeguarding/notify-trustees.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { links, org } from '../../shared/runtime/aws/core.ts';
import { deliveries, escalations } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `trustee-mail` queue (topic `safeguarding-escalations`, `EscalationSeriousHarmReported` only):
 * one event per message (raw delivery); a failure is a batch item failure, so only it is retried.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'deliveries' | 'links'>) =>
  sqsHandler('trustee-mail', async (body) => {
    await notifyTrustees(deps, parseSeriousHarmEvent(body));
  });

export const handler = makeHandler(composeDeps({ org, links, deliveries, escalations, mail }));
