/**
 * The web hardening every answer of kith must carry (shared/runtime/html.ts and http.ts set it):
 * pages get a strict Content-Security-Policy (nothing but the page's own nonce'd stylesheet, no
 * scripts, no framing, forms only to this origin, no <base>), no referrer (tokens are in URLs),
 * DENY framing, nosniff and no-store; redirects no-referrer and no-store; JSON nosniff and no-store.
 * Returns the problems found (empty when the answer is hardened).
 */
export interface Result {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: string;
}

/** The headers every answer must carry, by kind: page, redirect or JSON. */
export function hardeningProblems(result: Result): string[] {
  const h = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const problems: string[] = [];
  const want = (name: string, value: string) => {
    if (h[name] !== value) problems.push(`${name}: ${h[name] ?? '(missing)'}, want ${value}`);
  };
  want('x-content-type-options', 'nosniff');
  want('cache-control', 'no-store');
  if (result.statusCode >= 300 && result.statusCode < 400) {
    want('referrer-policy', 'no-referrer');
    if (!h.location) problems.push('a redirect without location');
    return problems;
  }
  const type = h['content-type'] ?? '';
  if (type.startsWith('text/html')) {
    want('referrer-policy', 'no-referrer');
    want('x-frame-options', 'DENY');
    const csp = new Map(
      (h['content-security-policy'] ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name ?? '', values.join(' ')]),
    );
    const directive = (name: string, value: string) => {
      if (csp.get(name) !== value) problems.push(`CSP ${name}: ${csp.get(name) ?? '(missing)'}, want ${value}`);
    };
    directive('default-src', "'none'");
    directive('frame-ancestors', "'none'");
    directive('form-action', "'self'");
    directive('base-uri', "'none'");
    if (csp.has('script-src')) problems.push('CSP allows scripts');
    if (!/^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(csp.get('style-src') ?? ''))
      problems.push(`CSP style-src: ${csp.get('style-src')}`);
    if ((h['content-security-policy'] ?? '').includes('unsafe')) problems.push('CSP has an unsafe- source');
  } else if (!type.startsWith('application/json')) {
    problems.push(`content-type: ${type || '(missing)'}`);
  }
  return problems;
}
