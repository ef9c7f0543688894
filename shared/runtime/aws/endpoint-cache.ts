/**
 * Stands in for `@aws-sdk/endpoint-cache` in Lambda bundles: the same class on a plain `Map`
 * (least recently used first out) instead of the `mnemonist` LRU it pulls in, about 8 KB of every
 * bundle with the DynamoDB client. The DynamoDB client builds one per client for endpoint discovery,
 * which kith leaves off (its default), so this cache is asked on each call and never filled; it is
 * nevertheless complete, and test/runtime/endpoint-cache.test.ts holds it to the original's answers.
 *
 * Used ONLY in the Lambda build (infra/bundling.ts `lambdaAliases`).
 */

interface Endpoint {
  Address?: string;
  CachePeriodInMinutes?: number;
}

interface EndpointWithExpiry {
  Address: string;
  Expires: number;
}

export class EndpointCache {
  private readonly cache = new Map<string, EndpointWithExpiry[]>();

  constructor(private readonly capacity: number) {}

  /** One live address for the key, at random among them; undefined when none. */
  getEndpoint(key: string): string | undefined {
    const endpoints = this.get(key);
    if (!endpoints || endpoints.length === 0) return undefined;
    return endpoints[Math.floor(Math.random() * endpoints.length)]?.Address;
  }

  /** The key's endpoints not yet expired (dropping the key when all are). */
  get(key: string): EndpointWithExpiry[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.cache.get(key);
    if (!value) return undefined;
    this.touch(key, value);
    const now = Date.now();
    const live = value.filter((endpoint) => now < endpoint.Expires);
    if (live.length === 0) {
      this.delete(key);
      return undefined;
    }
    return live;
  }

  set(key: string, endpoints: Endpoint[]): void {
    const now = Date.now();
    this.touch(
      key,
      endpoints.map(({ Address, CachePeriodInMinutes }) => ({
        Address: Address as string,
        Expires: now + (CachePeriodInMinutes as number) * 60 * 1000,
      })),
    );
  }

  delete(key: string): void {
    this.touch(key, []);
  }

  has(key: string): boolean {
    const endpoints = this.cache.get(key);
    return endpoints !== undefined && endpoints.length > 0;
  }

  clear(): void {
    this.cache.clear();
  }

  /** Stores the value as the most recently used, evicting the least recently used past capacity. */
  private touch(key: string, value: EndpointWithExpiry[]): void {
    this.cache.delete(key);
    this.cache.set(key, value);
    if (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
