import { listDirectory } from '../../shared/domain/sessions/manage-groups.ts';
import { directoryPage } from '../../shared/domain/sessions/session-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, org } from '../../shared/runtime/aws/core.ts';
import { sessions } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import { DirectoryQuery } from './list-groups.ts';

/** GET /directory: the hosted "Find a group" page, filterable by format and topic. */
export const makeHandler = (deps: Pick<Deps, 'sessions' | 'clock' | 'org'>) =>
  httpHandler({ query: DirectoryQuery, orgName: () => deps.org.name }, async ({ query }) => {
    const all = await listDirectory(deps);
    const filter = { ...(query.format ? { format: query.format } : {}), ...(query.topic ? { topic: query.topic } : {}) };
    const groups = all.filter(
      (g) => (!filter.format || g.format === filter.format) && (!filter.topic || g.topics.includes(filter.topic)),
    );
    const topics = [...new Set(all.flatMap((g) => g.topics))].sort();
    return page(200, directoryPage(deps.org, groups, filter, topics));
  });

export const handler = makeHandler(composeDeps({ org, clock, sessions }));
