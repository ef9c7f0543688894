import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Receives before a message moves to its queue's dead-letter queue. */
export const maxReceiveCount = 5;

/** Dead letters are kept for the longest time SQS allows, so nothing expires before someone looks. */
const deadLetterRetention = Duration.days(14);

/**
 * A dead-letter queue that is not the redrive target of another queue (an SNS subscription's or an
 * event source mapping's on-failure destination): encrypted with the stack key, TLS only.
 */
export function deadLetterQueue(scope: Construct, id: string, key: IKey, what: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: deadLetterRetention,
  });
  acknowledgeDeadLetterQueue(queue, what);
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `This queue is itself a dead-letter queue (for ${what}); a dead-letter queue of its own would only hide failures. It alarms on its first message.`,
  );
  return queue;
}

function acknowledgeDeadLetterQueue(queue: Queue, what: string): void {
  acknowledge(
    queue,
    'Serverless-SQSRedrivePolicy',
    `This queue is itself a dead-letter queue (for ${what}): it has no redrive policy of its own and alarms on its first message.`,
  );
}

/**
 * A work queue with its dead-letter queue: both encrypted with the stack key and TLS only; a message
 * that fails `maxReceiveCount` times moves to the dead-letter queue.
 */
export function queueWithDeadLetters(
  scope: Construct,
  id: string,
  props: { key: IKey; visibilityTimeout: Duration },
): { queue: Queue; deadLetterQueue: Queue } {
  const dlq = new Queue(scope, `${id}DeadLetters`, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: deadLetterRetention,
  });
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: dlq, maxReceiveCount },
  });
  acknowledgeDeadLetterQueue(dlq, `the ${id} queue`);
  return { queue, deadLetterQueue: dlq };
}
