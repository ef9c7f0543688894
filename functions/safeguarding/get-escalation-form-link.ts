import { UnauthorizedError } from '../../shared/domain/errors.ts';
import { authenticateFacilitator } from '../../shared/domain/facilitators/create-facilitator.ts';
import { escalationFormLink } from '../../shared/domain/safeguarding/escalation-form.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { links } from '../../shared/runtime/aws/core.ts';
import { facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';

/** GET /admin/escalation-form-link → `{ url }`: the calling facilitator's personal hosted-form link. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'tokens' | 'links'>) =>
  httpHandler({}, async ({ headers }) => {
    const facilitator = await authenticateFacilitator(deps, headers.authorization);
    if (!facilitator) throw new UnauthorizedError('Send a valid facilitator token as "Authorization: Bearer <token>".');
    return json(200, { url: await escalationFormLink(deps, facilitator.facilitatorId) });
  });

export const handler = makeHandler(composeDeps({ links, facilitators, tokens }));
