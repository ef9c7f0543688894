import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDeliveryLog } from '../../../shared/adapters/aws/dynamo/delivery-log.ts';
import type { TableRef } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import { testTable } from '../../support/dynamo.ts';

describe('delivery log on DynamoDB Local', () => {
  let table: TableRef;
  beforeAll(async () => {
    table = await testTable();
  });

  it('lets exactly one of many concurrent workers deliver a key', async () => {
    const log = createDynamoDeliveryLog(table, { now: () => new Date('2026-11-22T10:00:00Z') });
    const claims = await Promise.all(Array.from({ length: 20 }, () => log.begin('E1#email#M1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('never delivers a completed key again, even after the lease', async () => {
    const clock = { now: () => new Date('2026-11-22T10:00:00Z') };
    const log = createDynamoDeliveryLog(table, clock);
    expect(await log.begin('E2#email#M1', 60)).toBe(true);
    await log.complete('E2#email#M1', 'ses-1');
    clock.now = () => new Date('2026-11-22T11:00:00Z');
    expect(await log.begin('E2#email#M1', 60)).toBe(false);
  });

  it('lets a retry deliver after a release (the send failed)', async () => {
    const log = createDynamoDeliveryLog(table, { now: () => new Date('2026-11-22T10:00:00Z') });
    expect(await log.begin('E3#sms#M1')).toBe(true);
    await log.release('E3#sms#M1');
    expect(await log.begin('E3#sms#M1')).toBe(true);
  });

  it('lets another worker take over a claim whose lease ran out (the first worker died)', async () => {
    const clock = { now: () => new Date('2026-11-22T10:00:00Z') };
    const log = createDynamoDeliveryLog(table, clock);
    expect(await log.begin('E4#email#M1', 60)).toBe(true);
    expect(await log.begin('E4#email#M1', 60)).toBe(false);
    clock.now = () => new Date('2026-11-22T10:02:00Z');
    expect(await log.begin('E4#email#M1', 60)).toBe(true);
  });
});
