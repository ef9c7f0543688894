import { TooManyRequestsError, ValidationError } from '../../shared/domain/errors.ts';
import { AcknowledgeRequest, acknowledgeEscalation } from '../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { acknowledgedPage, acknowledgePage, lockedPage } from '../../shared/domain/safeguarding/escalation-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, org } from '../../shared/runtime/aws/core.ts';
import { escalations } from '../../shared/runtime/aws/dynamo.ts';
import { scheduler } from '../../shared/runtime/aws/scheduler.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/**
 * POST /escalations/{escalationId}/acknowledge: the acknowledgement page's form (code + name).
 * A wrong code answers the form again (400) with a message by the field; too many → 429 page.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'escalations' | 'clock' | 'scheduler'>) =>
  httpHandler(
    {
      body: AcknowledgeRequest,
      accepts: ['form', 'json'],
      orgName: () => deps.org.name,
      errorPage: async (error, req) => {
        const escalation = await deps.escalations.get(req.pathParameters.escalationId ?? '');
        if (!escalation) return undefined;
        if (error instanceof TooManyRequestsError) return page(429, lockedPage(deps.org, escalation));
        if (error instanceof ValidationError) {
          const name = new URLSearchParams(req.rawBody).get('name') ?? '';
          return page(400, acknowledgePage(deps.org, escalation, { name }, error.fields));
        }
        return undefined;
      },
    },
    async ({ body, pathParameters, wantsHtml }) => {
      const escalationId = pathParameters.escalationId ?? '';
      const { outcome, by } = await acknowledgeEscalation(deps, escalationId, body);
      if (!wantsHtml) return json(200, { status: outcome, acknowledgedBy: by });
      const escalation = await deps.escalations.get(escalationId);
      return page(200, acknowledgedPage(deps.org, escalation ?? { reference: '' }, by, outcome === 'already'));
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, escalations, scheduler }));
