import { escalationFormPage, facilitatorFromFormLink } from '../../shared/domain/safeguarding/escalation-form.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** GET /forms/escalation?f=…: the hosted form, reached through a facilitator's personal link. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'facilitators'>) =>
  httpHandler(
    { query: z.object({ f: z.string().check(z.minLength(1), z.maxLength(2048)) }), orgName: () => deps.org.name },
    async ({ query }) => {
      await facilitatorFromFormLink(deps, query.f);
      return page(200, escalationFormPage(deps.org, query.f));
    },
  );

export const handler = makeHandler(composeDeps({ org, facilitators, tokens }));
