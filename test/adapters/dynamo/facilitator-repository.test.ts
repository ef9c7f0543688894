import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoFacilitatorRepository } from '../../../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createUlids } from '../../../shared/adapters/ids.ts';
import { authenticateFacilitator, createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { hashBearerToken } from '../../../shared/domain/facilitators/facilitator.ts';
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

  it('authenticates with one consistent read, and still accepts a token issued before the profile copy', async () => {
    // Prepare: a new facilitator, and one whose token item predates the copy (as first deployed)
    const table = await testTable();
    const calls: { name: string; consistent: unknown }[] = [];
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({
          name: String(context.commandName),
          consistent: (args.input as { ConsistentRead?: unknown }).ConsistentRead,
        });
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const repo = createDynamoFacilitatorRepository(table);
    const own = { facilitators: repo, clock, ids: createUlids(clock) };
    const { facilitatorId, token } = await createFacilitator(own, { email: 'ida@example.org', displayName: 'Ida' });
    const old = await createFacilitator(own, { email: 'jo@example.org', displayName: 'Jo' });
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: `TOKEN#${hashBearerToken(old.token)}`, sk: 'TOKEN' },
        UpdateExpression: 'REMOVE profile',
      }),
    );
    calls.length = 0;

    // Act
    const found = await authenticateFacilitator(own, `Bearer ${token}`);
    const oneRead = [...calls];
    const foundOld = await authenticateFacilitator(own, `Bearer ${old.token}`);

    // Assert
    expect(found).toMatchObject({ facilitatorId, displayName: 'Ida', role: 'facilitator' });
    expect(oneRead).toEqual([{ name: 'GetItemCommand', consistent: true }]);
    expect(foundOld).toMatchObject({ facilitatorId: old.facilitatorId, displayName: 'Jo' });
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
    await expect(createFacilitator(deps(), { email: 'nope', displayName: '' })).rejects.toMatchObject({ name: '$ZodError' });
  });
});
