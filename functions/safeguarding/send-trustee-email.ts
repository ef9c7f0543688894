import { notifyTrustees, parseSeriousHarmEvent } from '../../shared/domain/safeguarding/notify-trustees.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The `trustee-mail` queue (topic `safeguarding-escalations`, `EscalationSeriousHarmReported` only):
 * one event per message (raw delivery); a failure is a batch item failure, so only it is retried.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'deliveries' | 'links'>) =>
  sqsHandler('trustee-mail', async (body) => {
    await notifyTrustees(deps, parseSeriousHarmEvent(body));
  });

export const handler = makeHandler(awsDeps());
