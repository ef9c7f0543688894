import { ValidationError } from '../../shared/domain/errors.ts';
import { dataDeletedPage, linkErrorPage, managePage } from '../../shared/domain/members/member-pages.ts';
import {
  UpdateMembershipRequest,
  updateMembership,
  updateMembershipFromForm,
  viewMembership,
} from '../../shared/domain/members/update-membership.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/**
 * POST /manage: one of the manage page's buttons (`action`, the token in a hidden field):
 * check-in emails off/on, unsubscribe from all email or back, delete my data (only with
 * "I understand this cannot be undone" ticked), or join the group the link offers.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members' | 'sessions' | 'ids' | 'clock'>) =>
  httpHandler(
    {
      body: UpdateMembershipRequest,
      accepts: ['form', 'json'],
      fromForm: updateMembershipFromForm,
      orgName: () => deps.org.name,
      errorPage: async (error, req) => {
        const problem = linkErrorPage(deps.org, error, 'manage');
        if (problem) return page(problem.status, problem.page);
        if (!(error instanceof ValidationError) || req.bodyKind !== 'form') return undefined;
        // A missing tick or an unknown action: the manage page again, with the message.
        const token = new URLSearchParams(req.rawBody).get('token') ?? '';
        try {
          const { member, join } = await viewMembership(deps, token);
          if (member.status === 'erased') return page(200, dataDeletedPage(deps.org, false));
          return page(400, managePage(deps.org, member, token, { errors: error.fields, ...(join ? { join } : {}) }));
        } catch (tokenError) {
          const linkProblem = linkErrorPage(deps.org, tokenError, 'manage');
          if (linkProblem) return page(linkProblem.status, linkProblem.page);
          throw tokenError;
        }
      },
    },
    async ({ body, wantsHtml }) => {
      const { member, done, join } = await updateMembership(deps, body);
      if (wantsHtml) {
        return member.status === 'erased'
          ? page(200, dataDeletedPage(deps.org, done === 'erase'))
          : page(200, managePage(deps.org, member, body.token, { done, ...(join ? { join } : {}) }));
      }
      return json(200, {
        status: member.status,
        done,
        ...(join ? { group: { id: join.group.groupId, name: join.group.name, standing: join.standing } } : {}),
        ...(member.status === 'erased' ? {} : { checkinEmails: member.checkinEmails, emailOptOut: member.emailOptOut }),
      });
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, members, sessions, tokens }));
