import type { TopicName } from '../../functions/routes.ts';

/**
 * A domain event, written as an outbox item in the same transaction as the state it describes,
 * and published to its topic by the stream relay. Events are thin: ids and small enums, never
 * health details or free text. Consumers load what they need.
 */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  id: string;
  type: T;
  topic: TopicName;
  occurredAt: string;
  /** SNS message attributes (string values), used by subscription filter policies. */
  attributes?: Record<string, string>;
  data: D;
}

export type MemberEvent =
  | DomainEvent<'MemberSignupRequested', { memberId: string }>
  | DomainEvent<'MemberSignupRepeated', { memberId: string }>
  | DomainEvent<'MemberConfirmed', { memberId: string }>
  /** Personal data is gone; features holding member-linked data (bookings, check-ins) erase theirs. */
  | DomainEvent<'MemberErased', { memberId: string }>;
