import { describe, expect, it } from 'vitest';
import { makeHandler as pages } from '../../../functions/dashboard/pages.ts';
import { makeHandler as signIn } from '../../../functions/dashboard/sign-in.ts';
import { httpRoutes } from '../../../functions/routes.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, invoke } from '../members/helpers.ts';

describe('the dashboard functions', () => {
  it('serve every route routes.ts gives them, by route key, and nothing else', async () => {
    const deps = await testDeps();
    const handlers = { 'dashboard/sign-in': signIn(deps), 'dashboard/pages': pages(deps) };
    for (const route of httpRoutes.filter((r) => r.entry in handlers)) {
      const handler = handlers[route.entry as keyof typeof handlers];
      const r = await invoke(handler, httpEvent(route.method, route.path, { headers: BROWSER }));
      expect(r.status, `${route.method} ${route.path}`).not.toBe(404);
    }
    expect(httpRoutes.filter((r) => r.entry in handlers)).toHaveLength(10);
    const unknown = await invoke(signIn(deps), httpEvent('GET', '/dashboard', { headers: BROWSER }));
    expect(unknown.status).toBe(404);
    // a page without a session: the sign-in form, 401
    const page = await invoke(pages(deps), httpEvent('GET', '/dashboard', { headers: BROWSER }));
    expect(page.status).toBe(401);
    expect(page.body).toContain('Email me a sign-in link');
  });
});
