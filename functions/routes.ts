/**
 * The one topology of kith, read by the CDK app (infra/) and by the local stack (local/):
 * every HTTP route, every topic and its subscribed consumers, the stream relay and the timer
 * worker. Each `entry` is a module under functions/ (without extension) that exports
 * `makeHandler(deps)` and `handler`.
 */

export type Feature = 'members' | 'facilitators' | 'safeguarding' | 'platform';

/**
 * What a deployed function is bound to (infra/constructs/app-function.ts sets the environment
 * variable and the IAM grant together): the table, the token-signing secret, SES, SMS, the
 * scheduler, the public base URL, the escalation webhook's secret. Each function gets only what it lists.
 */
export type FunctionUse = 'table' | 'tokens' | 'mail' | 'sms' | 'scheduler' | 'publicUrl' | 'webhookSecret';

/** HTTP routes that do not say otherwise. */
export const defaultHttpUses: readonly FunctionUse[] = ['table', 'tokens', 'publicUrl'];

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway HTTP API path syntax: `/admin/sessions/{sessionId}`. */
  path: string;
  entry: string;
  feature: Feature;
  /** Bindings of the route's function; default {@link defaultHttpUses}. */
  uses?: readonly FunctionUse[];
}

/** The dashboard's sign-in function emails links; its pages function only reads. */
const signInUses: readonly FunctionUse[] = ['table', 'tokens', 'mail', 'publicUrl'];
const dashboardUses: readonly FunctionUse[] = ['table', 'tokens'];

export const httpRoutes: readonly HttpRoute[] = [
  { method: 'GET', path: '/signup', entry: 'members/get-signup-page', feature: 'members' },
  { method: 'POST', path: '/signups', entry: 'members/create-signup', feature: 'members' },
  { method: 'GET', path: '/confirm', entry: 'members/get-confirm-page', feature: 'members' },
  { method: 'POST', path: '/confirm', entry: 'members/confirm-signup', feature: 'members' },
  { method: 'GET', path: '/manage', entry: 'members/get-manage-page', feature: 'members' },
  { method: 'POST', path: '/manage', entry: 'members/update-membership', feature: 'members' },
  {
    method: 'POST',
    path: '/webhooks/escalations',
    entry: 'safeguarding/receive-escalation-webhook',
    feature: 'safeguarding',
    uses: ['table', 'webhookSecret'],
  },
  {
    method: 'GET',
    path: '/escalations/{escalationId}/acknowledge',
    entry: 'safeguarding/get-acknowledge-page',
    feature: 'safeguarding',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/escalations/{escalationId}/acknowledge',
    entry: 'safeguarding/acknowledge-escalation',
    feature: 'safeguarding',
    // Schedules the resolve reminder.
    uses: ['table', 'scheduler'],
  },
  {
    method: 'GET',
    path: '/admin/escalations/{escalationId}',
    entry: 'safeguarding/get-escalation',
    feature: 'safeguarding',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/admin/escalations/drill',
    entry: 'safeguarding/run-drill',
    feature: 'safeguarding',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/admin/escalations/{escalationId}/resolve',
    entry: 'safeguarding/resolve-escalation',
    feature: 'safeguarding',
    uses: ['table'],
  },
  {
    method: 'GET',
    path: '/admin/escalation-form-link',
    entry: 'safeguarding/get-escalation-form-link',
    feature: 'safeguarding',
  },
  {
    method: 'GET',
    path: '/forms/escalation',
    entry: 'safeguarding/get-escalation-form',
    feature: 'safeguarding',
    uses: ['table', 'tokens'],
  },
  {
    method: 'POST',
    path: '/forms/escalation',
    entry: 'safeguarding/submit-escalation-form',
    feature: 'safeguarding',
    uses: ['table', 'tokens'],
  },
  { method: 'GET', path: '/checkins/unsubscribe', entry: 'checkins/get-unsubscribe-page', feature: 'members', uses: ['tokens'] },
  { method: 'POST', path: '/checkins/unsubscribe', entry: 'checkins/unsubscribe', feature: 'members', uses: ['table', 'tokens'] },
  {
    method: 'GET',
    path: '/checkins/{sessionId}',
    entry: 'checkins/get-checkin-page',
    feature: 'members',
    uses: ['table', 'tokens'],
  },
  {
    method: 'POST',
    path: '/checkins/{sessionId}',
    entry: 'checkins/answer-checkin',
    feature: 'members',
    uses: ['table', 'tokens'],
  },
  { method: 'GET', path: '/groups', entry: 'sessions/list-groups', feature: 'members', uses: ['table'] },
  { method: 'GET', path: '/directory', entry: 'sessions/get-directory-page', feature: 'members', uses: ['table'] },
  { method: 'GET', path: '/sessions/{sessionId}/book', entry: 'sessions/get-booking-page', feature: 'members' },
  { method: 'POST', path: '/sessions/{sessionId}/book', entry: 'sessions/update-booking', feature: 'members' },
  { method: 'POST', path: '/admin/groups', entry: 'admin/create-group', feature: 'facilitators', uses: ['table'] },
  {
    method: 'GET',
    path: '/admin/groups/{groupId}/requests',
    entry: 'admin/list-join-requests',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/admin/groups/{groupId}/requests/{memberId}/approve',
    entry: 'admin/approve-join-request',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/admin/groups/{groupId}/sessions',
    entry: 'admin/create-sessions',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'PATCH',
    path: '/admin/sessions/{sessionId}',
    entry: 'admin/reschedule-session',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'POST',
    path: '/admin/sessions/{sessionId}/cancel',
    entry: 'admin/cancel-session',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'GET',
    path: '/admin/sessions/{sessionId}/roster',
    entry: 'admin/get-roster',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'PUT',
    path: '/admin/sessions/{sessionId}/attendance',
    entry: 'admin/record-attendance',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'GET',
    path: '/admin/sessions/{sessionId}/checkins',
    entry: 'admin/get-session-checkins',
    feature: 'facilitators',
    uses: ['table'],
  },
  {
    method: 'GET',
    path: '/admin/groups/{groupId}/checkins',
    entry: 'admin/get-group-checkins',
    feature: 'facilitators',
    uses: ['table'],
  },
  // The facilitators' dashboard: browser sign-in by emailed link, then cookie-authenticated pages.
  // Two functions: routes that share an entry share its function, so they list the same bindings.
  { method: 'GET', path: '/sign-in', entry: 'dashboard/sign-in', feature: 'facilitators', uses: signInUses },
  { method: 'POST', path: '/sign-in', entry: 'dashboard/sign-in', feature: 'facilitators', uses: signInUses },
  { method: 'GET', path: '/sign-in/confirm', entry: 'dashboard/sign-in', feature: 'facilitators', uses: signInUses },
  { method: 'POST', path: '/sign-in/confirm', entry: 'dashboard/sign-in', feature: 'facilitators', uses: signInUses },
  { method: 'POST', path: '/sign-out', entry: 'dashboard/sign-in', feature: 'facilitators', uses: signInUses },
  { method: 'GET', path: '/dashboard', entry: 'dashboard/pages', feature: 'facilitators', uses: dashboardUses },
  { method: 'GET', path: '/dashboard/groups/{groupId}', entry: 'dashboard/pages', feature: 'facilitators', uses: dashboardUses },
  {
    method: 'GET',
    path: '/dashboard/sessions/{sessionId}',
    entry: 'dashboard/pages',
    feature: 'facilitators',
    uses: dashboardUses,
  },
  {
    method: 'GET',
    path: '/dashboard/groups/{groupId}/requests',
    entry: 'dashboard/pages',
    feature: 'facilitators',
    uses: dashboardUses,
  },
  {
    method: 'POST',
    path: '/dashboard/groups/{groupId}/requests/{memberId}/approve',
    entry: 'dashboard/pages',
    feature: 'facilitators',
    uses: dashboardUses,
  },
];

/** SNS topics. Names are logical; physical names are derived by CloudFormation. */
export const topicNames = ['member-notifications', 'safeguarding-escalations', 'wellbeing-alerts'] as const;
export type TopicName = (typeof topicNames)[number];

export interface TopicConsumer {
  /** Logical name of the SQS queue subscribed to the topic (and of its DLQ). */
  name: string;
  topic: TopicName;
  entry: string;
  /** SNS subscription filter policy on message attributes (string values only). */
  filterPolicy?: Record<string, readonly string[]>;
  /** Protect the path with reserved concurrency (safeguarding). */
  critical?: boolean;
  /** Bindings of the consumer's function; default none. */
  uses?: readonly FunctionUse[];
}

export const topicConsumers: readonly TopicConsumer[] = [
  {
    // Only the events it sends for (shared/domain/members/send-member-email.ts): any other event on
    // the topic (sessions events carry no member id) would fail its parser and alarm in the DLQ.
    name: 'member-mail',
    topic: 'member-notifications',
    entry: 'members/send-member-email',
    filterPolicy: { eventType: ['MemberSignupRequested', 'MemberSignupRepeated', 'MemberConfirmed'] },
    uses: ['table', 'tokens', 'mail', 'publicUrl'],
  },
  {
    // Every urgency. Schedules the level's acknowledgement timeout; a suppressed lead gets an SMS instead.
    name: 'escalation-email',
    topic: 'safeguarding-escalations',
    entry: 'safeguarding/send-escalation-email',
    filterPolicy: { eventType: ['EscalationRaised', 'EscalationMovedUp'] },
    critical: true,
    uses: ['table', 'mail', 'sms', 'scheduler', 'publicUrl'],
  },
  {
    name: 'escalation-sms',
    topic: 'safeguarding-escalations',
    entry: 'safeguarding/send-escalation-sms',
    filterPolicy: { eventType: ['EscalationRaised', 'EscalationMovedUp'], urgency: ['immediate', 'same_day'] },
    critical: true,
    uses: ['table', 'sms', 'publicUrl'],
  },
  {
    // A resolution with serious harm: the trustees are asked for the serious-incident report, once.
    name: 'trustee-mail',
    topic: 'safeguarding-escalations',
    entry: 'safeguarding/send-trustee-email',
    filterPolicy: { eventType: ['EscalationSeriousHarmReported'] },
    critical: true,
    uses: ['table', 'mail', 'publicUrl'],
  },
  {
    name: 'session-mail',
    topic: 'member-notifications',
    entry: 'sessions/send-session-email',
    filterPolicy: {
      eventType: [
        'SessionsScheduled',
        'SessionBooked',
        'SessionWaitlisted',
        'BookingCancelled',
        'SessionRescheduled',
        'SessionCancelled',
        'MemberConfirmed',
        // An active member pressed Join for another group on their manage page.
        'MemberJoinRequested',
        'WaitlistOffered',
        'GroupJoinApproved',
        'MemberErased',
        // Its own continuation of a fan-out it had no time to finish (send-session-email.ts).
        'SessionMailContinued',
      ],
    },
    uses: ['table', 'tokens', 'mail', 'scheduler', 'publicUrl'],
  },
  {
    // A low check-in answer or a request to be contacted: a thin email to the group's facilitators.
    name: 'wellbeing-alert',
    topic: 'wellbeing-alerts',
    entry: 'checkins/send-wellbeing-alert',
    uses: ['table', 'mail', 'publicUrl'],
  },
];

/** The DynamoDB stream consumer that publishes outbox items to their topics. */
export const streamRelay = { name: 'outbox-relay', entry: 'platform/relay-outbox' } as const;

/** The SQS consumer that EventBridge Scheduler one-time schedules deliver to. */
export const timerWorker = {
  name: 'timers',
  entry: 'platform/fire-timer',
  uses: ['table', 'tokens', 'mail', 'scheduler', 'publicUrl'],
} as const satisfies { name: string; entry: string; uses: readonly FunctionUse[] };

/**
 * The SQS consumer of SES bounce and complaint events (member mail's configuration set → SNS →
 * queue). Deployed only: there is no local SES to report bounces (tests feed it recorded events).
 */
export const sesFeedbackConsumer = {
  name: 'ses-feedback',
  entry: 'members/record-email-feedback',
  uses: ['table'],
} as const satisfies { name: string; entry: string; uses: readonly FunctionUse[] };
