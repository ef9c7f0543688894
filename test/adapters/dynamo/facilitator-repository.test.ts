import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoFacilitatorRepository } from '../../../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createUlids } from '../../../shared/adapters/ids.ts';
import { authenticateFacilitator, createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import type { FacilitatorRepository } from '../../../shared/ports/index.ts';
import { testTable } from '../../support/dynamo.ts';

describe('facilitators on DynamoDB Local', () => {
  let facilitators: FacilitatorRepository;
  const clock = { now: () => new Date('2026-11-22T10:00:00Z') };
  const deps = () => ({ facilitators, clock, ids: createUlids(clock) });

  beforeAll(async () => {
    facilitators = createDynamoFacilitatorRepository(await testTable());
  });

  it('authenticates a facilitator by their bearer token, which is stored only as a hash', async () => {
    const { facilitatorId, token } = await createFacilitator(deps(), {
      email: 'fi@example.org',
      displayName: 'Fi',
      role: 'admin',
    });
    const found = await authenticateFacilitator(deps(), `Bearer ${token}`);
    expect(found).toMatchObject({ facilitatorId, role: 'admin', displayName: 'Fi' });
    expect(JSON.stringify(await facilitators.list())).not.toContain(token);
  });

  it('refuses a wrong or malformed token', async () => {
    await createFacilitator(deps(), { email: 'gus@example.org', displayName: 'Gus' });
    expect(await authenticateFacilitator(deps(), 'Bearer kith_not-a-real-token')).toBeUndefined();
    expect(await authenticateFacilitator(deps(), 'Basic abc')).toBeUndefined();
    expect(await authenticateFacilitator(deps(), undefined)).toBeUndefined();
  });

  it('refuses a revoked token at once', async () => {
    const { facilitatorId, token } = await createFacilitator(deps(), { email: 'hal@example.org', displayName: 'Hal' });
    await facilitators.revoke(facilitatorId, clock.now().toISOString());
    expect(await authenticateFacilitator(deps(), `Bearer ${token}`)).toBeUndefined();
    expect((await facilitators.get(facilitatorId))?.revokedAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('rejects bad input with field messages', async () => {
    await expect(createFacilitator(deps(), { email: 'nope', displayName: '' })).rejects.toMatchObject({ name: 'ZodError' });
  });
});
