import { listDirectory } from '../../shared/domain/sessions/manage-groups.ts';
import { Topic } from '../../shared/domain/sessions/model.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock } from '../../shared/runtime/aws/core.ts';
import { sessions } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

export const DirectoryQuery = z.object({
  format: z.catch(z.optional(z.enum(['in_person', 'online', 'activity'])), undefined),
  topic: z.catch(z.optional(Topic), undefined),
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
