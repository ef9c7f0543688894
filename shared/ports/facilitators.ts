import type { Facilitator } from '../domain/facilitators/facilitator.ts';

export interface FacilitatorRepository {
  /** Stores the facilitator and the hash of their token in one transaction. */
  create(facilitator: Facilitator, tokenHash: string): Promise<void>;
  get(facilitatorId: string): Promise<Facilitator | undefined>;
  /** The facilitator whose active token has this hash. */
  findByTokenHash(tokenHash: string): Promise<Facilitator | undefined>;
  list(): Promise<Facilitator[]>;
  revoke(facilitatorId: string, at: string): Promise<void>;
  /**
   * Counts a browser sign-in email (on the profile) and numbers its link (1, 2, 3…): `limited` when
   * `max` were already sent in the window that started after `windowStartAfter`.
   */
  recordSignInEmail(
    facilitatorId: string,
    limit: { at: string; windowStartAfter: string; max: number },
  ): Promise<{ serial: number } | 'limited'>;
  /**
   * Uses the sign-in link numbered `serial`: true once, for a link later than every link used before
   * (so using a link also voids older ones); false when it (or a later one) was used.
   */
  useSignInLink(facilitatorId: string, serial: number): Promise<boolean>;
  /** Ends every browser session begun before `at` (sign-out): sets `sessionsValidFrom`. */
  endBrowserSessions(facilitatorId: string, at: string): Promise<void>;
}
