import { viewAcknowledgement } from '../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { acknowledgedPage, acknowledgePage, lockedPage } from '../../shared/domain/safeguarding/escalation-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { escalations } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';

/**
 * GET /escalations/{escalationId}/acknowledge: the alert's link. It changes nothing (mail scanners
 * and link previews fetch it); its form POSTs the code and name.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'escalations'>) =>
  httpHandler({ orgName: () => deps.org.name }, async ({ pathParameters }) => {
    const view = await viewAcknowledgement(deps, pathParameters.escalationId ?? '');
    if (view.state === 'acknowledged') return page(200, acknowledgedPage(deps.org, view.escalation, view.by, true));
    if (view.state === 'locked') return page(429, lockedPage(deps.org, view.escalation));
    return page(200, acknowledgePage(deps.org, view.escalation));
  });

export const handler = makeHandler(composeDeps({ org, escalations }));
