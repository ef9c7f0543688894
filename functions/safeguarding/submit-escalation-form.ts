import { DomainError, ValidationError } from '../../shared/domain/errors.ts';
import {
  escalationFormPage,
  escalationFromForm,
  escalationNotSentPage,
  escalationSentPage,
  FormSubmission,
  facilitatorFromFormLink,
  raiseFromForm,
} from '../../shared/domain/safeguarding/escalation-form.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { escalations, facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { zodFields } from '../../shared/runtime/errors.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import * as z from '../../shared/zod.ts';

const logger = createLogger('escalation-form');

/**
 * POST /forms/escalation: the hosted form. Mistakes → the form again with messages (400). Any
 * failure to store it → a page that says it was NOT sent and gives the org's phone number (503):
 * never a claim that it was sent unless the escalation is stored.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'facilitators' | 'escalations' | 'ids' | 'clock'>) =>
  httpHandler(
    {
      body: FormSubmission,
      accepts: ['form'],
      fromForm: (fields) => fields,
      maxBodyBytes: 64 * 1024,
      orgName: () => deps.org.name,
    },
    async ({ body, rawBody, requestId }) => {
      const fields = Object.fromEntries(new URLSearchParams(rawBody));
      const facilitator = await facilitatorFromFormLink(deps, body.f);
      try {
        await raiseFromForm(deps, facilitator, body.submissionId, escalationFromForm(fields, facilitator.email));
      } catch (error) {
        if (error instanceof z.ZodError || error instanceof ValidationError) {
          const messages = error instanceof z.ZodError ? zodFields(error) : error.fields;
          return page(400, escalationFormPage(deps.org, body.f, fields, messages));
        }
        if (!(error instanceof DomainError)) logger.error('escalation form not stored', { requestId, error });
        return page(503, escalationNotSentPage(deps.org));
      }
      return page(202, escalationSentPage(deps.org));
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, facilitators, escalations, tokens }));
