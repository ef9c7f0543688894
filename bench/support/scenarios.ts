import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeHandler as approveJoinRequest } from '../../functions/admin/approve-join-request.ts';
import { makeHandler as cancelSession } from '../../functions/admin/cancel-session.ts';
import { makeHandler as createGroupHandler } from '../../functions/admin/create-group.ts';
import { makeHandler as createSessions } from '../../functions/admin/create-sessions.ts';
import { makeHandler as getRoster } from '../../functions/admin/get-roster.ts';
import { makeHandler as sessionCheckins } from '../../functions/admin/get-session-checkins.ts';
import { makeHandler as listJoinRequests } from '../../functions/admin/list-join-requests.ts';
import { makeHandler as recordAttendance } from '../../functions/admin/record-attendance.ts';
import { makeHandler as reschedule } from '../../functions/admin/reschedule-session.ts';
import { makeHandler as answerCheckinHandler } from '../../functions/checkins/answer-checkin.ts';
import { makeHandler as checkinPage } from '../../functions/checkins/get-checkin-page.ts';
import { makeHandler as unsubscribePage } from '../../functions/checkins/get-unsubscribe-page.ts';
import { makeHandler as unsubscribeCheckins } from '../../functions/checkins/unsubscribe.ts';
import { makeHandler as confirmSignup } from '../../functions/members/confirm-signup.ts';
import { makeHandler as createSignup } from '../../functions/members/create-signup.ts';
import { makeHandler as confirmPage } from '../../functions/members/get-confirm-page.ts';
import { makeHandler as managePage } from '../../functions/members/get-manage-page.ts';
import { makeHandler as signupPage } from '../../functions/members/get-signup-page.ts';
import { makeHandler as updateMembership } from '../../functions/members/update-membership.ts';
import { makeHandler as acknowledge } from '../../functions/safeguarding/acknowledge-escalation.ts';
import { makeHandler as acknowledgePage } from '../../functions/safeguarding/get-acknowledge-page.ts';
import { makeHandler as getEscalation } from '../../functions/safeguarding/get-escalation.ts';
import { makeHandler as escalationForm } from '../../functions/safeguarding/get-escalation-form.ts';
import { makeHandler as formLink } from '../../functions/safeguarding/get-escalation-form-link.ts';
import { makeHandler as receiveWebhook } from '../../functions/safeguarding/receive-escalation-webhook.ts';
import { makeHandler as resolveEscalation } from '../../functions/safeguarding/resolve-escalation.ts';
import { makeHandler as runDrill } from '../../functions/safeguarding/run-drill.ts';
import { makeHandler as submitForm } from '../../functions/safeguarding/submit-escalation-form.ts';
import { makeHandler as bookingPage } from '../../functions/sessions/get-booking-page.ts';
import { makeHandler as directoryPage } from '../../functions/sessions/get-directory-page.ts';
import { makeHandler as listGroups } from '../../functions/sessions/list-groups.ts';
import { makeHandler as updateBooking } from '../../functions/sessions/update-booking.ts';
import { checkinLinks } from '../../shared/domain/checkins/send-checkins.ts';
import { JOIN_CLAIM, TOKEN_PURPOSE } from '../../shared/domain/members/member.ts';
import { escalationFormLink } from '../../shared/domain/safeguarding/escalation-form.ts';
import { raiseEscalation } from '../../shared/domain/safeguarding/raise-escalation.ts';
import { createGroup } from '../../shared/domain/sessions/manage-groups.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { validEscalation } from '../../test/domain/safeguarding/helpers.ts';
import { activeMember, facilitator, groupRequest, groupWithSession, tokenFor } from '../../test/domain/sessions/helpers.ts';
import { BROWSER, FORM } from '../../test/functions/members/helpers.ts';
import { TEST_WEBHOOK_SECRET } from '../../test/support/deps.ts';
import { httpEvent, lambdaContext } from '../../test/support/events.ts';
import type { BenchDeps } from './deps.ts';

type Result = { statusCode: number; body?: string };
export type Handler = (event: APIGatewayProxyEventV2, context: typeof lambdaContext) => Promise<Result>;

/** A prepared HTTP route: the real handler and `n` distinct, valid events for it. */
export interface Prepared {
  handler: Handler;
  events: APIGatewayProxyEventV2[];
  /** The status a successful call answers. */
  expect: number;
  /** Makes an event current just before it is sent (a webhook's signed timestamp must be within 5 minutes). */
  refresh?: (event: APIGatewayProxyEventV2) => APIGatewayProxyEventV2;
}

export interface Scenario {
  /** `METHOD /path` as in functions/routes.ts. */
  route: string;
  /** What the request does, in a word or two. */
  does: string;
  prepare(deps: BenchDeps, n: number): Promise<Prepared>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, ...JSON_HEADERS });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const asHandler = (h: unknown) => h as Handler;

/** `f(0..n-1)` with 8 at a time (setting up many members), results in order. */
export async function inParallel<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    times(Math.min(8, n), async () => {
      while (next < n) {
        const i = next++;
        out[i] = await f(i);
      }
    }),
  );
  return out;
}

export const invoke = (handler: Handler, event: APIGatewayProxyEventV2) => handler(event, lambdaContext);

/** A signed escalation webhook delivery (Standard Webhooks), as a form tool sends it. */
export function signedWebhook(body: string, id: string): APIGatewayProxyEventV2 {
  const ts = Math.floor(Date.now() / 1000);
  return httpEvent('POST', '/webhooks/escalations', {
    body,
    headers: {
      ...JSON_HEADERS,
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(TEST_WEBHOOK_SECRET, id, ts, body),
    },
  });
}

/** A member's manage link token, offering `joinGroupId` when given (as the "already a member" email's does). */
function manageToken(deps: BenchDeps, memberId: string, joinGroupId?: string) {
  return deps.tokens.sign({
    purpose: TOKEN_PURPOSE.manage,
    subject: memberId,
    ttlSeconds: 3600,
    ...(joinGroupId ? { data: { [JOIN_CLAIM]: joinGroupId } } : {}),
  });
}

/** A facilitator's closed group and `n` members who asked to join it. */
async function closedGroupWithRequests(deps: BenchDeps, n: number) {
  const { facilitator: f, token } = await facilitator(deps);
  const group = await createGroup(deps, f, groupRequest({ access: 'closed' }));
  const memberIds = await inParallel(n, async (i) => {
    const m = await activeMember(deps, `asks-${group.groupId.slice(-8)}-${i}`, group.groupId);
    await deps.sessions.addJoinRequest(group.groupId, m.memberId, deps.clock.now().toISOString());
    return m.memberId;
  });
  return { groupId: group.groupId, token, memberIds };
}

async function pendingMember(deps: BenchDeps, i: number | string) {
  const m = await activeMember(deps, `p${i}`);
  await deps.table.client.send(
    new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
      TableName: deps.table.tableName,
      Key: { pk: `MEMBER#${m.memberId}`, sk: 'PROFILE' },
      UpdateExpression: 'SET #s = :p',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':p': 'pending' },
    }),
  );
  return m;
}

/** The four routes of the latency section, first; then every other HTTP route that can be driven. */
export const scenarios: Scenario[] = [
  {
    route: 'POST /signups',
    does: 'new sign-up',
    async prepare(deps, n) {
      const run = Math.random().toString(36).slice(2, 8);
      return {
        handler: asHandler(createSignup(deps)),
        expect: 202,
        events: times(n, (i) =>
          httpEvent('POST', '/signups', {
            headers: JSON_HEADERS,
            body: JSON.stringify({
              email: `bench-${run}-${i}@example.com`,
              displayName: 'Robin',
              consents: { groupAgreement: true, privacyNotice: true },
            }),
          }),
        ),
      };
    },
  },
  {
    route: 'POST /sessions/{sessionId}/book',
    does: 'book a place',
    async prepare(deps, n) {
      // Sessions of the largest capacity, one booking per member: every call books a free place.
      const perSession = 500;
      const sessions = await Promise.all(
        times(Math.ceil(n / perSession), () => groupWithSession(deps, { capacity: perSession })),
      );
      const events = await inParallel(n, async (i) => {
        const s = sessions[Math.floor(i / perSession)]!;
        const m = await activeMember(deps, `b${i}`, s.group.groupId);
        const token = await tokenFor(deps, m.memberId, s.group.groupId, s.session.sessionId);
        return httpEvent('POST', `/sessions/${s.session.sessionId}/book`, {
          headers: FORM,
          body: form({ token, action: 'book' }),
          pathParameters: { sessionId: s.session.sessionId },
        });
      });
      return { handler: asHandler(updateBooking(deps)), expect: 200, events };
    },
  },
  {
    route: 'POST /checkins/{sessionId}',
    does: 'check-in answer',
    async prepare(deps, n) {
      const { session } = await groupWithSession(deps);
      const members = await Promise.all(times(Math.min(n, 50), (i) => activeMember(deps, `c${i}`)));
      const tokens = await Promise.all(
        members.map(async (m) => {
          await deps.checkins.recordSent(session.sessionId, m.memberId, deps.clock.now().toISOString(), session.groupId);
          const links = await checkinLinks(deps, session.sessionId, m.memberId);
          return new URL(links.answers['4']).searchParams.get('t') ?? '';
        }),
      );
      // The answer can be changed until the check-in closes: members answer again and again.
      return {
        handler: asHandler(answerCheckinHandler(deps)),
        expect: 200,
        events: times(n, (i) =>
          httpEvent('POST', `/checkins/${session.sessionId}`, {
            headers: FORM,
            body: form({ token: tokens[i % tokens.length]!, score: String(3 + (i % 3)) }),
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'POST /webhooks/escalations',
    does: 'escalation raised',
    async prepare(deps, n) {
      const run = Math.random().toString(36).slice(2, 8);
      const body = JSON.stringify(validEscalation);
      return {
        handler: asHandler(receiveWebhook(deps)),
        expect: 202,
        events: times(n, (i) => signedWebhook(body, `msg_${run}_${i}`)),
        // Signed again just before it is sent, as the form tool signs each delivery (outside the timing).
        refresh: (event) => signedWebhook(body, event.headers['webhook-id'] ?? ''),
      };
    },
  },
  {
    route: 'GET /signup',
    does: 'sign-up page',
    async prepare(deps, n) {
      return {
        handler: asHandler(signupPage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/signup', { headers: BROWSER })),
      };
    },
  },
  {
    route: 'GET /confirm',
    does: 'confirm page',
    async prepare(deps, n) {
      const m = await pendingMember(deps, 'cp');
      const t = await deps.tokens.sign({ purpose: TOKEN_PURPOSE.confirm, subject: m.memberId, ttlSeconds: 3600 });
      return {
        handler: asHandler(confirmPage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/confirm', { headers: BROWSER, query: { t } })),
      };
    },
  },
  {
    route: 'POST /confirm',
    does: 'confirm sign-up',
    async prepare(deps, n) {
      const events: APIGatewayProxyEventV2[] = [];
      for (let i = 0; i < n; i++) {
        const m = await pendingMember(deps, `cf${i}`);
        const token = await deps.tokens.sign({ purpose: TOKEN_PURPOSE.confirm, subject: m.memberId, ttlSeconds: 3600 });
        events.push(httpEvent('POST', '/confirm', { headers: FORM, body: form({ token }) }));
      }
      return { handler: asHandler(confirmSignup(deps)), expect: 200, events };
    },
  },
  {
    route: 'GET /manage',
    does: 'manage page',
    async prepare(deps, n) {
      const m = await activeMember(deps, 'mp');
      const t = await manageToken(deps, m.memberId);
      return {
        handler: asHandler(managePage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/manage', { headers: BROWSER, query: { t } })),
      };
    },
  },
  {
    route: 'POST /manage',
    does: 'check-in emails on/off',
    async prepare(deps, n) {
      const m = await activeMember(deps, 'mu');
      const token = await manageToken(deps, m.memberId);
      return {
        handler: asHandler(updateMembership(deps)),
        expect: 200,
        events: times(n, (i) =>
          httpEvent('POST', '/manage', {
            headers: FORM,
            body: form({ token, action: i % 2 ? 'checkin-emails-off' : 'checkin-emails-on' }),
          }),
        ),
      };
    },
  },
  {
    route: 'GET /manage (offering a group)',
    does: 'manage page offering another group',
    async prepare(deps, n) {
      const m = await activeMember(deps, 'mo');
      const { facilitator: f } = await facilitator(deps);
      const group = await createGroup(deps, f, groupRequest({ access: 'open' }));
      const t = await manageToken(deps, m.memberId, group.groupId);
      return {
        handler: asHandler(managePage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/manage', { headers: BROWSER, query: { t } })),
      };
    },
  },
  {
    route: 'POST /manage (join)',
    does: 'join another group',
    async prepare(deps, n) {
      const { facilitator: f } = await facilitator(deps);
      const group = await createGroup(deps, f, groupRequest({ access: 'open' }));
      const events: APIGatewayProxyEventV2[] = [];
      for (let i = 0; i < n; i++) {
        const m = await activeMember(deps, `jn${i}`);
        const token = await manageToken(deps, m.memberId, group.groupId);
        events.push(httpEvent('POST', '/manage', { headers: FORM, body: form({ token, action: 'join' }) }));
      }
      return { handler: asHandler(updateMembership(deps)), expect: 200, events };
    },
  },
  {
    route: 'POST /manage (erase)',
    does: 'erase my data',
    async prepare(deps, n) {
      const events: APIGatewayProxyEventV2[] = [];
      for (let i = 0; i < n; i++) {
        const m = await activeMember(deps, `er${i}`);
        const token = await manageToken(deps, m.memberId);
        events.push(httpEvent('POST', '/manage', { headers: FORM, body: form({ token, action: 'erase', confirmErase: 'yes' }) }));
      }
      return { handler: asHandler(updateMembership(deps)), expect: 200, events };
    },
  },
  {
    route: 'GET /escalations/{escalationId}/acknowledge',
    does: 'acknowledge page',
    async prepare(deps, n) {
      const { escalationId } = await raiseEscalation(deps, validEscalation, {
        kind: 'webhook',
        webhookId: `msg_${Math.random()}`,
      });
      return {
        handler: asHandler(acknowledgePage(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/escalations/${escalationId}/acknowledge`, { headers: BROWSER, pathParameters: { escalationId } }),
        ),
      };
    },
  },
  {
    route: 'POST /escalations/{escalationId}/acknowledge',
    does: 'acknowledge',
    async prepare(deps, n) {
      const events: APIGatewayProxyEventV2[] = [];
      for (let i = 0; i < n; i++) {
        const { escalationId } = await raiseEscalation(deps, validEscalation, {
          kind: 'webhook',
          webhookId: `msg_${Math.random()}`,
        });
        const e = (await deps.escalations.get(escalationId))!;
        events.push(
          httpEvent('POST', `/escalations/${escalationId}/acknowledge`, {
            headers: FORM,
            body: form({ code: e.ackCode, name: 'Sam Lead' }),
            pathParameters: { escalationId },
          }),
        );
      }
      return { handler: asHandler(acknowledge(deps)), expect: 200, events };
    },
  },
  {
    route: 'GET /admin/escalations/{escalationId}',
    does: 'escalation view',
    async prepare(deps, n) {
      const { token } = await facilitator(deps, 'safeguarding_lead');
      const { escalationId } = await raiseEscalation(deps, validEscalation, {
        kind: 'webhook',
        webhookId: `msg_${Math.random()}`,
      });
      return {
        handler: asHandler(getEscalation(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/admin/escalations/${escalationId}`, { headers: bearer(token), pathParameters: { escalationId } }),
        ),
      };
    },
  },
  {
    route: 'POST /admin/escalations/drill',
    does: 'drill',
    async prepare(deps, n) {
      const { token } = await facilitator(deps, 'admin');
      return {
        handler: asHandler(runDrill(deps)),
        expect: 201,
        events: times(n, () =>
          httpEvent('POST', '/admin/escalations/drill', { headers: bearer(token), body: JSON.stringify({ urgency: 'routine' }) }),
        ),
      };
    },
  },
  {
    route: 'POST /admin/escalations/{escalationId}/resolve',
    does: 'resolve',
    async prepare(deps, n) {
      const { token } = await facilitator(deps, 'safeguarding_lead');
      const events: APIGatewayProxyEventV2[] = [];
      const ack = asHandler(acknowledge(deps));
      for (let i = 0; i < n; i++) {
        const { escalationId } = await raiseEscalation(deps, validEscalation, {
          kind: 'webhook',
          webhookId: `msg_${Math.random()}`,
        });
        const e = (await deps.escalations.get(escalationId))!;
        await invoke(
          ack,
          httpEvent('POST', `/escalations/${escalationId}/acknowledge`, {
            headers: FORM,
            body: form({ code: e.ackCode, name: 'Sam' }),
            pathParameters: { escalationId },
          }),
        );
        events.push(
          httpEvent('POST', `/admin/escalations/${escalationId}/resolve`, {
            headers: bearer(token),
            body: JSON.stringify({ outcome: 'advice_given', seriousHarm: false }),
            pathParameters: { escalationId },
          }),
        );
      }
      return { handler: asHandler(resolveEscalation(deps)), expect: 200, events };
    },
  },
  {
    route: 'GET /admin/escalation-form-link',
    does: 'form link',
    async prepare(deps, n) {
      const { token } = await facilitator(deps);
      return {
        handler: asHandler(formLink(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/admin/escalation-form-link', { headers: bearer(token) })),
      };
    },
  },
  {
    route: 'GET /forms/escalation',
    does: 'hosted form',
    async prepare(deps, n) {
      const { facilitator: f } = await facilitator(deps);
      const f0 = new URL(await escalationFormLink(deps, f.facilitatorId)).searchParams.get('f') ?? '';
      return {
        handler: asHandler(escalationForm(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/forms/escalation', { headers: BROWSER, query: { f: f0 } })),
      };
    },
  },
  {
    route: 'POST /forms/escalation',
    does: 'hosted form submit',
    async prepare(deps, n) {
      const { facilitator: f } = await facilitator(deps);
      const f0 = new URL(await escalationFormLink(deps, f.facilitatorId)).searchParams.get('f') ?? '';
      const fields = {
        f: f0,
        category: validEscalation.category,
        urgency: validEscalation.urgency,
        summary: validEscalation.summary,
        facts: validEscalation.facts ?? '',
        opinion: validEscalation.opinion ?? '',
        memberRef: validEscalation.memberRef ?? '',
        actionsTaken: validEscalation.actionsTaken ?? '',
        emergencyServicesContacted: 'no',
        personAware: 'yes',
      };
      return {
        handler: asHandler(submitForm(deps)),
        expect: 202,
        events: times(n, (i) =>
          httpEvent('POST', '/forms/escalation', {
            headers: FORM,
            body: form({ ...fields, submissionId: `sub${i}x${Math.random().toString(36).slice(2)}`.padEnd(16, '0') }),
          }),
        ),
      };
    },
  },
  {
    route: 'GET /checkins/unsubscribe',
    does: 'unsubscribe page',
    async prepare(deps, n) {
      const m = await activeMember(deps, 'up');
      const links = await checkinLinks(deps, '01KAAAAAAAAAAAAAAAAAAAAAAA', m.memberId);
      const t = new URL(links.unsubscribe).searchParams.get('t') ?? '';
      return {
        handler: asHandler(unsubscribePage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/checkins/unsubscribe', { headers: BROWSER, query: { t } })),
      };
    },
  },
  {
    route: 'POST /checkins/unsubscribe',
    does: 'one-click unsubscribe',
    async prepare(deps, n) {
      const m = await activeMember(deps, 'uc');
      const links = await checkinLinks(deps, '01KAAAAAAAAAAAAAAAAAAAAAAA', m.memberId);
      const t = new URL(links.unsubscribe).searchParams.get('t') ?? '';
      return {
        handler: asHandler(unsubscribeCheckins(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('POST', '/checkins/unsubscribe', {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
            query: { t },
          }),
        ),
      };
    },
  },
  {
    route: 'GET /checkins/{sessionId}',
    does: 'check-in page (records opened)',
    async prepare(deps, n) {
      const { session } = await groupWithSession(deps);
      const m = await activeMember(deps, 'cpg');
      const links = await checkinLinks(deps, session.sessionId, m.memberId);
      const t = new URL(links.answers['4']).searchParams.get('t') ?? '';
      return {
        handler: asHandler(checkinPage(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/checkins/${session.sessionId}`, {
            headers: BROWSER,
            query: { t, a: '4' },
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'GET /groups',
    does: 'directory (JSON)',
    async prepare(deps, n) {
      for (let i = 0; i < 5; i++) await groupWithSession(deps);
      return { handler: asHandler(listGroups(deps)), expect: 200, events: times(n, () => httpEvent('GET', '/groups')) };
    },
  },
  {
    route: 'GET /directory',
    does: 'directory page',
    async prepare(deps, n) {
      for (let i = 0; i < 5; i++) await groupWithSession(deps);
      return {
        handler: asHandler(directoryPage(deps)),
        expect: 200,
        events: times(n, () => httpEvent('GET', '/directory', { headers: BROWSER })),
      };
    },
  },
  {
    route: 'GET /sessions/{sessionId}/book',
    does: 'booking page',
    async prepare(deps, n) {
      const { group, session } = await groupWithSession(deps);
      const m = await activeMember(deps, 'bp', group.groupId);
      const t = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
      return {
        handler: asHandler(bookingPage(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/sessions/${session.sessionId}/book`, {
            headers: BROWSER,
            query: { t },
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'POST /admin/groups',
    does: 'create group',
    async prepare(deps, n) {
      const { token } = await facilitator(deps);
      const body = JSON.stringify({
        name: 'Thursday grief circle',
        format: 'in_person',
        location: 'Room 2',
        capacity: 10,
        access: 'open',
        timezone: 'Europe/London',
        topics: ['grief'],
      });
      return {
        handler: asHandler(createGroupHandler(deps)),
        expect: 201,
        events: times(n, () => httpEvent('POST', '/admin/groups', { headers: bearer(token), body })),
      };
    },
  },
  {
    route: 'POST /admin/groups/{groupId}/sessions',
    does: 'schedule 1 session',
    async prepare(deps, n) {
      const { token } = await facilitator(deps, 'admin');
      const { group } = await groupWithSession(deps);
      return {
        handler: asHandler(createSessions(deps)),
        expect: 201,
        events: times(n, (i) =>
          httpEvent('POST', `/admin/groups/${group.groupId}/sessions`, {
            headers: bearer(token),
            body: JSON.stringify({
              startsAt: new Date(Date.parse('2027-01-07T19:00:00Z') + i * 86_400_000).toISOString(),
              durationMinutes: 90,
            }),
            pathParameters: { groupId: group.groupId },
          }),
        ),
      };
    },
  },
  {
    route: 'PATCH /admin/sessions/{sessionId}',
    does: "reschedule (the group's facilitator)",
    async prepare(deps, n) {
      const { session, token } = await groupWithSession(deps);
      return {
        handler: asHandler(reschedule(deps)),
        expect: 200,
        events: times(n, (i) =>
          httpEvent('PATCH', `/admin/sessions/${session.sessionId}`, {
            headers: bearer(token),
            body: JSON.stringify({ startsAt: new Date(Date.parse('2027-01-09T19:00:00Z') + i * 60_000).toISOString() }),
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'POST /admin/sessions/{sessionId}/cancel',
    does: "cancel session (the group's facilitator)",
    async prepare(deps, n) {
      const events: APIGatewayProxyEventV2[] = [];
      for (let i = 0; i < n; i++) {
        const { session, token } = await groupWithSession(deps);
        events.push(
          httpEvent('POST', `/admin/sessions/${session.sessionId}/cancel`, {
            headers: bearer(token),
            pathParameters: { sessionId: session.sessionId },
          }),
        );
      }
      return { handler: asHandler(cancelSession(deps)), expect: 200, events };
    },
  },
  {
    route: 'GET /admin/groups/{groupId}/requests',
    does: "requests to join (5; the group's facilitator)",
    async prepare(deps, n) {
      const { groupId, token } = await closedGroupWithRequests(deps, 5);
      return {
        handler: asHandler(listJoinRequests(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/admin/groups/${groupId}/requests`, { headers: bearer(token), pathParameters: { groupId } }),
        ),
      };
    },
  },
  {
    route: 'POST /admin/groups/{groupId}/requests/{memberId}/approve',
    does: "approve a request to join (the group's facilitator)",
    async prepare(deps, n) {
      const { groupId, token, memberIds } = await closedGroupWithRequests(deps, n);
      return {
        handler: asHandler(approveJoinRequest(deps)),
        expect: 200,
        events: memberIds.map((memberId) =>
          httpEvent('POST', `/admin/groups/${groupId}/requests/${memberId}/approve`, {
            headers: bearer(token),
            pathParameters: { groupId, memberId },
          }),
        ),
      };
    },
  },
  {
    route: 'GET /admin/sessions/{sessionId}/roster',
    does: "roster (10 booked; the group's facilitator)",
    async prepare(deps, n) {
      const { session, token } = await bookedSession(deps, 10);
      return {
        handler: asHandler(getRoster(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/admin/sessions/${session.sessionId}/roster`, {
            headers: bearer(token),
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'PUT /admin/sessions/{sessionId}/attendance',
    does: "attendance (10; the group's facilitator)",
    async prepare(deps, n) {
      const { session, members, token } = await bookedSession(deps, 10);
      return {
        handler: asHandler(recordAttendance(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('PUT', `/admin/sessions/${session.sessionId}/attendance`, {
            headers: bearer(token),
            body: JSON.stringify({ present: members }),
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
  {
    route: 'GET /admin/sessions/{sessionId}/checkins',
    does: "check-in summary (10 sent, 2 contact requests; the group's facilitator)",
    async prepare(deps, n) {
      const { session, members, token } = await bookedSession(deps, 10);
      const at = deps.clock.now().toISOString();
      for (const memberId of members) await deps.checkins.recordSent(session.sessionId, memberId, at, session.groupId);
      // Two members asked to be contacted: the summary names them
      for (const memberId of members.slice(0, 2)) {
        await deps.checkins.saveAnswer(session.sessionId, memberId, { score: 2, contact: true, answeredAt: at });
      }
      return {
        handler: asHandler(sessionCheckins(deps)),
        expect: 200,
        events: times(n, () =>
          httpEvent('GET', `/admin/sessions/${session.sessionId}/checkins`, {
            headers: bearer(token),
            pathParameters: { sessionId: session.sessionId },
          }),
        ),
      };
    },
  },
];

/** A session with `count` members booked through the real booking handler. */
async function bookedSession(deps: BenchDeps, count: number) {
  const { group, session, token } = await groupWithSession(deps, { capacity: Math.max(10, count) });
  const book = asHandler(updateBooking(deps));
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = await activeMember(deps, `r${i}${Math.random()}`, group.groupId);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    await invoke(
      book,
      httpEvent('POST', `/sessions/${session.sessionId}/book`, {
        headers: FORM,
        body: form({ token, action: 'book' }),
        pathParameters: { sessionId: session.sessionId },
      }),
    );
    members.push(m.memberId);
  }
  return { group, session, members, token };
}
