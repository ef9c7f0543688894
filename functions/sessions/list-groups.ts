import * as z from 'zod';
import { listDirectory } from '../../shared/domain/sessions/manage-groups.ts';
import { Topic } from '../../shared/domain/sessions/model.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock } from '../../shared/runtime/aws/core.ts';
import { sessions } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';

export const DirectoryQuery = z.object({
  format: z.enum(['in_person', 'online', 'activity']).optional().catch(undefined),
  topic: Topic.optional().catch(undefined),
});

/** GET /groups: the public directory as JSON (for the organisation's website). Never who booked, never meeting links. */
export const makeHandler = (deps: Pick<Deps, 'sessions' | 'clock'>) =>
  httpHandler({ query: DirectoryQuery }, async ({ query }) =>
    json(
      200,
      {
        groups: await listDirectory(deps, {
          ...(query.format ? { format: query.format } : {}),
          ...(query.topic ? { topic: query.topic } : {}),
        }),
      },
      {
        'access-control-allow-origin': '*',
      },
    ),
  );

export const handler = makeHandler(composeDeps({ clock, sessions }));
