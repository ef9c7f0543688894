import { setLogSink } from '../../shared/runtime/logger.ts';
import type { BenchSection, Cell } from '../section.ts';
import { benchDeps } from '../support/deps.ts';
import { countingTable, type DynamoCall } from '../support/dynamo.ts';
import { invoke, scenarios } from '../support/scenarios.ts';
import { round } from '../support/stats.ts';

/** DynamoDB work of one request of each HTTP route, as db-work found it (read by the cost section). */
export interface DbWorkData {
  routes: {
    route: string;
    does: string;
    status: number;
    calls: number;
    commands: string[];
    rru: number;
    wru: number;
    localUnits: number;
  }[];
}

export const MAX_CALLS_PER_REQUEST = 3;

const summarise = (calls: DynamoCall[]) => ({
  calls: calls.length,
  commands: calls.map((c) => c.command.replace(/Command$/, '')),
  rru: round(
    calls.reduce((s, c) => s + c.service.rru, 0),
    1,
  ),
  wru: round(
    calls.reduce((s, c) => s + c.service.wru, 0),
    1,
  ),
  localUnits: round(
    calls.reduce((s, c) => s + c.localUnits, 0),
    1,
  ),
});

/**
 * Every HTTP route that can be driven, through its real handler on DynamoDB Local: the DynamoDB
 * calls one request makes and the capacity it uses, counted by an SDK middleware on the document
 * client. A Scan on a request path fails the bench.
 */
export const dbWork: BenchSection = {
  id: 'db-work',
  title: 'Database work per request',
  async run() {
    const table = await countingTable();
    const deps = benchDeps(table);
    const routes: DbWorkData['routes'] = [];
    const failures: string[] = [];
    const restoreSink = setLogSink(() => {});
    try {
      for (const scenario of scenarios) {
        // Two requests: the first warms the token keys and anything cached per instance; the second is counted.
        const prepared = await scenario.prepare(deps, 2);
        await invoke(prepared.handler, prepared.events[0]!);
        table.take();
        const response = await invoke(prepared.handler, prepared.events[1]!);
        const calls = table.take();
        const summary = summarise(calls);
        routes.push({ route: scenario.route, does: scenario.does, status: response.statusCode, ...summary });
        if (calls.some((c) => c.command === 'ScanCommand')) failures.push(`${scenario.route} makes a Scan`);
        if (response.statusCode !== prepared.expect) {
          failures.push(
            `${scenario.route} answered ${response.statusCode}, expected ${prepared.expect}: ${response.body?.slice(0, 200)}`,
          );
        }
      }
    } finally {
      setLogSink(restoreSink);
    }
    const over = routes.filter((r) => r.calls > MAX_CALLS_PER_REQUEST);
    const worst = Math.max(...routes.map((r) => r.calls));
    return {
      title: 'Database work per request',
      columns: ['route', 'does', 'status', 'calls', 'commands', 'RRU', 'WRU', 'local CU'],
      rows: routes.map(
        (r): Record<string, Cell> => ({
          route: r.route,
          does: r.does,
          status: r.status,
          calls: r.calls,
          commands: r.commands.join(' '),
          RRU: r.rru,
          WRU: r.wru,
          'local CU': r.localUnits,
        }),
      ),
      targets: [
        {
          name: 'DynamoDB calls per API request (every route driven)',
          limit: `≤ ${MAX_CALLS_PER_REQUEST}`,
          actual: over.length ? `max ${worst}: ${over.map((r) => `${r.route} ${r.calls}`).join(', ')}` : `max ${worst}`,
          met: over.length === 0,
        },
      ],
      notes: [
        `${routes.length} of the HTTP routes in functions/routes.ts driven through makeHandler(deps) with API Gateway v2 events; the second request of each is counted.`,
        'RRU/WRU: what the service charges on demand, computed from item sizes by the published rules (transactional writes 2 WRU/KB per item, +1 WRU/KB per GSI the item is in, consistent reads 1 RRU/4 KB, an update at least 1 KB), or DynamoDB Local\'s report where larger (it sees old images and GSIs, but does not double transactions); "local CU" is what DynamoDB Local reported.',
      ],
      data: { routes } satisfies DbWorkData,
      failures,
    };
  },
};
