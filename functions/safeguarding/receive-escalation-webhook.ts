import { UnauthorizedError, UnavailableError, UnsupportedMediaTypeError, ValidationError } from '../../shared/domain/errors.ts';
import { EscalationRequest } from '../../shared/domain/safeguarding/escalation.ts';
import { raiseEscalation } from '../../shared/domain/safeguarding/raise-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { escalations } from '../../shared/runtime/aws/dynamo.ts';
import { webhookSecrets } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { verifyWebhook, WebhookVerificationError } from '../../shared/runtime/standard-webhooks.ts';

export const MAX_ESCALATION_BODY_BYTES = 64 * 1024;

const logger = createLogger('escalation-webhook');

/**
 * POST /webhooks/escalations, signed per Standard Webhooks. Order matters: size (413), then the
 * signature over the RAW body against the current and previous secret on real time (401), and
 * only then JSON and the schema (415 / 400). `202 { escalationId }` is answered only after the
 * dedupe record, the escalation and its outbox event are written in one transaction; a repeated
 * `webhook-id` answers 202 with the same id; storage trouble answers 503 so the sender retries.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'escalations' | 'ids' | 'clock' | 'webhookSecrets'>) =>
  httpHandler(
    // Server to server, authenticated by the signature: no browser, no ambient credential.
    { maxBodyBytes: MAX_ESCALATION_BODY_BYTES, orgName: () => deps.org.name, allowCrossSite: true },
    async ({ headers, rawBody, requestId }) => {
      let secrets: string[];
      try {
        secrets = await deps.webhookSecrets.keys();
      } catch (error) {
        logger.error('webhook secret unavailable', { requestId, error });
        throw new UnavailableError('Escalations are briefly unavailable. Please try again.');
      }
      let webhookId: string;
      try {
        // Real time, not the application clock: the tolerance is about the sender's clock and replay.
        webhookId = verifyWebhook(headers, rawBody, secrets, Date.now()).id;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        logger.warn('webhook rejected', { requestId, code: error.reason });
        throw new UnauthorizedError('The webhook signature could not be verified.');
      }
      const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (contentType !== 'application/json') throw new UnsupportedMediaTypeError('Send the body as application/json.');
      let input: unknown;
      try {
        input = JSON.parse(rawBody);
      } catch {
        throw new ValidationError('The body is not valid JSON.', { body: 'must be valid JSON' });
      }
      const body = EscalationRequest.parse(input);
      const { escalationId, created } = await raiseEscalation(deps, body, { kind: 'webhook', webhookId });
      logger.info(created ? 'escalation raised' : 'escalation webhook repeated', { requestId, id_escalation: escalationId });
      return json(202, { escalationId });
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, escalations, webhookSecrets }));
