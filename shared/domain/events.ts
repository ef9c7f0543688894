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
  /** `groupId`: signed up again from a group's page (their email offers to join it). */
  | DomainEvent<'MemberSignupRepeated', { memberId: string; groupId?: string }>
  /** An active member pressed Join for another group on their manage page (session-mail joins or asks). */
  | DomainEvent<'MemberJoinRequested', { memberId: string; groupId: string }>
  | DomainEvent<'MemberConfirmed', { memberId: string }>
  /** Personal data is gone; features holding member-linked data (bookings, check-ins) erase theirs. */
  | DomainEvent<'MemberErased', { memberId: string }>;
