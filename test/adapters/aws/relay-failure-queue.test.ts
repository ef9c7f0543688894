import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSqsRelayFailureQueue, LIST_VISIBILITY_SECONDS } from '../../../shared/adapters/aws/relay-failure-queue.ts';

const sqs = mockClient(SQSClient);
const URL = 'https://sqs.eu-west-2.amazonaws.com/123456789012/relay-failures';
const message = (n: number, receipt = `r${n}`) => ({ MessageId: `m${n}`, ReceiptHandle: receipt, Body: `{"n":${n}}` });

describe('the relay failure queue in AWS (SQS)', () => {
  beforeEach(() => sqs.reset());

  it('receives until the queue answers empty, hiding each message while the command works; a message received twice is listed once', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: Array.from({ length: 10 }, (_, i) => message(i)) })
      .resolvesOnce({ Messages: [message(10), message(3, 'r3-again')] })
      .resolves({});
    const queue = createSqsRelayFailureQueue(new SQSClient({ region: 'eu-west-2' }), URL);

    const listed = await queue.list();

    expect(listed.map((m) => m.id)).toEqual(Array.from({ length: 11 }, (_, i) => `m${i}`));
    expect(listed[0]).toEqual({ id: 'm0', body: '{"n":0}' });
    const calls = sqs.commandCalls(ReceiveMessageCommand);
    expect(calls).toHaveLength(3);
    expect(calls[0]!.args[0].input).toMatchObject({
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: LIST_VISIBILITY_SECONDS,
    });

    // Removal uses the latest receipt of each message, ten to a batch
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await queue.remove(listed.map((m) => m.id));
    const deletes = sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(deletes.map((e) => e.length)).toEqual([10, 1]);
    expect(deletes.flat().find((e) => e.ReceiptHandle?.startsWith('r3'))?.ReceiptHandle).toBe('r3-again');
  });

  it('releases messages by making them visible at once, and names a deletion SQS refused', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs
      .on(DeleteMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'expired' }] });
    const queue = createSqsRelayFailureQueue(new SQSClient({ region: 'eu-west-2' }), URL);
    await queue.list();

    await queue.release(['m2', 'unknown']);
    await expect(queue.remove(['m1'])).rejects.toThrow(/could not delete 1 message\(s\): expired/);

    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input.Entries;
    expect(released).toEqual([{ Id: '0', ReceiptHandle: 'r2', VisibilityTimeout: 0 }]);
  });
});
