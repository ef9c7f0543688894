import {
  unsubscribeCheckins,
  unsubscribedPage,
  unsubscribeLinkError,
} from '../../shared/domain/checkins/unsubscribe-checkins.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { members } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/**
 * POST /checkins/unsubscribe: the RFC 8058 one-click POST from a mail client (`?t=…`, body
 * `List-Unsubscribe=One-Click`) or the button on the GET page (token in a hidden field). Turns off
 * check-in emails only. The body is read as a form whatever its declared type (mail providers differ).
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members'>) =>
  httpHandler(
    {
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = unsubscribeLinkError(deps.org, error);
        return problem && page(problem.status, problem.page);
      },
    },
    async (req) => {
      const fromBody = new URLSearchParams(req.rawBody).get('token') ?? undefined;
      const parsed = LinkToken.safeParse(req.event.queryStringParameters?.t ?? fromBody);
      if (!parsed.success) throw new ValidationError('The link is not valid.', { t: 'the link is incomplete' });
      await unsubscribeCheckins(deps, parsed.data);
      return req.wantsHtml || fromBody !== undefined
        ? page(200, unsubscribedPage(deps.org))
        : json(200, { checkinEmails: false });
    },
  );

export const handler = makeHandler(composeDeps({ org, members, tokens }));
