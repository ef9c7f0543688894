import type { Facilitator } from '../domain/facilitators/facilitator.ts';

export interface FacilitatorRepository {
  /** Stores the facilitator and the hash of their token in one transaction. */
  create(facilitator: Facilitator, tokenHash: string): Promise<void>;
  get(facilitatorId: string): Promise<Facilitator | undefined>;
  /** The facilitator whose active token has this hash. */
  findByTokenHash(tokenHash: string): Promise<Facilitator | undefined>;
  list(): Promise<Facilitator[]>;
  revoke(facilitatorId: string, at: string): Promise<void>;
}
