// The SDK's own cache (a dependency of @aws-sdk/client-dynamodb), to hold the stand-in to its answers.
import { EndpointCache as SdkEndpointCache } from '@aws-sdk/endpoint-cache';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointCache } from '../../shared/runtime/aws/endpoint-cache.ts';
import { propertyConfig } from './fc.ts';

const { runs } = propertyConfig('endpoint-cache');

const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
/** One address per entry, so `getEndpoint`'s random pick is the same in both. */
const endpointArb = fc.record({
  Address: fc.constantFrom('x.example', 'y.example'),
  CachePeriodInMinutes: fc.integer({ min: 1, max: 5 }),
});
/** One address per entry (or none), so `getEndpoint`'s random pick is the same in both. */
const endpointsArb = fc.oneof(
  { arbitrary: fc.tuple(endpointArb).map((e) => [...e]), weight: 5 },
  { arbitrary: fc.constant([]).map(() => []), weight: 1 },
);
const opArb = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, endpoints: endpointsArb }), weight: 4 },
  {
    arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'getEndpoint' as const, 'has' as const), key: keyArb }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('wait' as const), minutes: fc.integer({ min: 0, max: 4 }) }), weight: 1 },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function apply(cache: SdkEndpointCache | EndpointCache, op: Op): unknown {
  switch (op.op) {
    case 'set':
      return cache.set(op.key, op.endpoints);
    case 'get':
      return cache.get(op.key);
    case 'getEndpoint':
      return cache.getEndpoint(op.key);
    case 'has':
      return cache.has(op.key);
    case 'delete':
      return cache.delete(op.key);
    case 'clear':
      return cache.clear();
    case 'wait':
      vi.setSystemTime(Date.now() + op.minutes * 60_000);
      return undefined;
  }
}

/**
 * The Lambda bundles' stand-in for the SDK's endpoint cache (infra/bundling.ts lambdaAliases) answers
 * every sequence of calls as the SDK's own does: expiry, least-recently-used eviction, deletion.
 */
describe('the endpoint cache stand-in', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers as the SDK cache does for any sequence of calls and any capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(opArb, { minLength: 5, maxLength: 40, size: 'max' }),
        (capacity, ops) => {
          vi.useFakeTimers({ now: Date.parse('2026-12-05T12:00:00Z') });
          const sdk = new SdkEndpointCache(capacity);
          const ours = new EndpointCache(capacity);
          const start = Date.now();
          const sdkAnswers = ops.map((op) => apply(sdk, op));
          vi.setSystemTime(start);
          const ourAnswers = ops.map((op) => apply(ours, op));
          expect(ourAnswers).toEqual(sdkAnswers);
          vi.useRealTimers();
        },
      ),
      {
        numRuns: runs(300),
        // Reading a key makes it the most recently used: the next eviction takes the other one
        examples: [
          [
            2,
            [
              { op: 'set', key: 'a', endpoints: [{ Address: 'x.example', CachePeriodInMinutes: 5 }] },
              { op: 'set', key: 'b', endpoints: [{ Address: 'x.example', CachePeriodInMinutes: 5 }] },
              { op: 'get', key: 'a' },
              { op: 'set', key: 'c', endpoints: [{ Address: 'y.example', CachePeriodInMinutes: 5 }] },
              { op: 'has', key: 'a' },
              { op: 'has', key: 'b' },
            ],
          ],
        ],
      },
    );
  });
});
