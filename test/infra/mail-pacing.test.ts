import { describe, expect, it } from 'vitest';
import { MAIL_SENDER_CONCURRENCY } from '../../shared/runtime/mail.ts';
import { exampleOrg, logicalId, type Props, refId, resourcesOf, synthOrg } from './synth.ts';

const { stack, template } = synthOrg(exampleOrg());
const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties as Props);

describe('email fan-out pacing', () => {
  it('caps the timer worker (check-in sends) at the concurrency its per-instance SES share assumes', () => {
    const worker = logicalId(stack, stack.timers.worker!.fn);
    const [timers] = mappings.filter((m) => refId(m.FunctionName) === worker);
    expect(timers?.ScalingConfig).toEqual({ MaximumConcurrency: MAIL_SENDER_CONCURRENCY });
    expect(timers?.BatchSize).toBe(10);
  });
});
