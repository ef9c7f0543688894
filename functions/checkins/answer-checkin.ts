import {
  answerCheckin,
  CheckinAnswerRequest,
  checkinAnswerFromForm,
  viewCheckin,
} from '../../shared/domain/checkins/answer-checkin.ts';
import { checkinLinkError, checkinPage, checkinThanksPage } from '../../shared/domain/checkins/checkin-pages.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { checkins } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/** POST /checkins/{sessionId}: "Send my answer" (the token in a hidden field). Saves or changes the answer until expiry. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'checkins' | 'clock' | 'ids'>) =>
  httpHandler(
    {
      body: CheckinAnswerRequest,
      accepts: ['form', 'json'],
      fromForm: checkinAnswerFromForm,
      orgName: () => deps.org.name,
      errorPage: async (error, req) => {
        const problem = checkinLinkError(deps.org, error);
        if (problem) return page(problem.status, problem.page);
        if (!(error instanceof ValidationError) || req.bodyKind !== 'form') return undefined;
        // A missing choice or a long comment: the form again, with what they typed and the message.
        const sessionId = req.pathParameters.sessionId ?? '';
        const fields = Object.fromEntries(new URLSearchParams(req.rawBody));
        const token = fields.token ?? '';
        try {
          const { record, expiresAt } = await viewCheckin(deps, sessionId, token);
          return page(
            400,
            checkinPage(deps.org, {
              sessionId,
              token,
              link: 'contact',
              expiresAt,
              ...(record?.answer ? { saved: record.answer } : {}),
              values: { score: fields.score ?? '', contact: fields.contact !== undefined, comment: fields.comment ?? '' },
              errors: error.fields,
            }),
          );
        } catch (tokenError) {
          const linkProblem = checkinLinkError(deps.org, tokenError);
          if (linkProblem) return page(linkProblem.status, linkProblem.page);
          throw tokenError;
        }
      },
    },
    async ({ body, pathParameters, wantsHtml }) => {
      const { answer, changed } = await answerCheckin(deps, pathParameters.sessionId ?? '', body);
      if (wantsHtml) return page(200, checkinThanksPage(deps.org, answer, changed));
      return json(200, { saved: true, changed });
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, checkins, tokens }));
