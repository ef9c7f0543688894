import type { Links } from '../ports/index.ts';

/** Absolute links for emails and pages, from the stack's public base URL. */
export function createDeliveryLinks(baseUrl: string): Links {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    url(path, query) {
      const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
      return `${base}${path.startsWith('/') ? path : `/${path}`}${qs}`;
    },
  };
}
