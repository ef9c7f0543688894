import { randomBytes } from 'node:crypto';
import type { Clock, Ids } from '../ports/index.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULIDs: 48-bit time + 80 random bits, Crockford base32; sortable by creation time. */
export function createUlids(clock: Clock): Ids {
  return {
    newId() {
      let time = clock.now().getTime();
      let out = '';
      for (let i = 0; i < 10; i++) {
        out = ALPHABET[time % 32] + out;
        time = Math.floor(time / 32);
      }
      const bytes = randomBytes(16);
      for (let i = 0; i < 16; i++) out += ALPHABET[(bytes[i] ?? 0) % 32];
      return out;
    },
  };
}

export const systemClock: Clock = { now: () => new Date() };
