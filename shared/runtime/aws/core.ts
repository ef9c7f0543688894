import { createUlids, systemClock } from '../../adapters/ids.ts';
import { createDeliveryLinks } from '../../adapters/links.ts';
import type { OrgConfig } from '../../domain/org/org-config.ts';
import type { Clock, Ids, Links } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';
import { once } from './compose.ts';

/** Providers with no AWS client: the org config, the clock, ids and emailed links. */

/** The org config is bundled at build time (esbuild `define` of process.env.KITH_ORG_JSON). */
export const org = /* @__PURE__ */ once((): OrgConfig => {
  // Referenced literally so that esbuild's `define` replaces it with the org's JSON at build time.
  const json = process.env.KITH_ORG_JSON;
  if (!json) throw new Error('KITH_ORG_JSON was not defined at build time');
  return JSON.parse(json) as OrgConfig;
});

export const clock = (): Clock => systemClock;

export const ids = (): Ids => createUlids(systemClock);

export const links = (): Links => createDeliveryLinks(requireEnv(envNames.publicBaseUrl));
