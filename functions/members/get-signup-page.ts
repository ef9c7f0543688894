import { signupPage } from '../../shared/domain/members/member-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** `?groupId=` pre-selects the group a member joins from; anything that is not a group id is ignored. */
const Query = z.object({
  groupId: z.catch(z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/))), undefined),
});

/** GET /signup: the hosted sign-up page. */
export const makeHandler = (deps: Pick<Deps, 'org'>) =>
  httpHandler({ query: Query, orgName: () => deps.org.name }, async ({ query }) =>
    page(200, signupPage(deps.org, query.groupId ? { groupId: query.groupId } : {})),
  );

export const handler = makeHandler(composeDeps({ org }));
