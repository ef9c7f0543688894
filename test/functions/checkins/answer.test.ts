import { describe, expect, it } from 'vitest';
import { makeHandler as makeAnswer } from '../../../functions/checkins/answer-checkin.ts';
import { makeHandler as makePage } from '../../../functions/checkins/get-checkin-page.ts';
import { checkinLinks } from '../../../shared/domain/checkins/send-checkins.ts';
import { outboxEvents } from '../../domain/members/helpers.ts';
import { activeMember } from '../../domain/sessions/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, FORM, invoke, textOf } from '../members/helpers.ts';

const SESSION = '01KAAAAAAAAAAAAAAAAAAAAAAA';

async function setup() {
  const deps = await testDeps();
  const member = await activeMember(deps, 'a');
  const links = await checkinLinks(deps, SESSION, member.memberId);
  const token = new URL(links.answers['1']).searchParams.get('t') ?? '';
  return { deps, member, links, token, page: makePage(deps), answer: makeAnswer(deps) };
}

const path = `/checkins/${SESSION}`;

describe('GET and POST /checkins/{sessionId}', () => {
  it('opening a link shows that answer pre-selected and records only that it was opened', async () => {
    const { deps, member, token, page } = await setup();
    const ok = await getWithPath(page, token, '4');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<input type="radio" id="score-4" name="score" value="4" checked>');
    expect(ok.body).toContain(`action="${SESSION}"`);
    expect(ok.body).toContain('Send my answer</button>');
    const record = await deps.checkins.get(SESSION, member.memberId);
    expect(record?.answer).toBeUndefined();
    expect(Object.keys(record?.opened ?? {})).toEqual(['4']);
    expect(record?.flagged).toBe(false);
  });

  it('flags ≥ 2 distinct answer links opened within 10 s, and records no answer', async () => {
    const { deps, member, token, page } = await setup();
    for (const a of ['1', '2', '3', '4', '5', 'contact']) await getWithPath(page, token, a);
    const record = await deps.checkins.get(SESSION, member.memberId);
    expect(record?.flagged).toBe(true);
    expect(record?.answer).toBeUndefined();
  });

  it('does not flag one person opening two links a minute apart', async () => {
    const { deps, member, token, page } = await setup();
    await getWithPath(page, token, '2');
    deps.clock.advance(60_000);
    await getWithPath(page, token, '3');
    expect((await deps.checkins.get(SESSION, member.memberId))?.flagged).toBe(false);
  });

  it('"Send my answer" saves, can change it, and the page then shows the saved answer', async () => {
    const { deps, member, token, page, answer } = await setup();
    const first = await postWithPath(answer, { token, score: '4', comment: 'ok' });
    expect(first.status).toBe(200);
    expect(textOf(first.body)).toContain('Your answer is saved');
    expect(textOf(first.body)).not.toContain('You do not have to wait for us');
    const changed = await postWithPath(answer, { token, score: '1', contact: 'yes' });
    expect(textOf(changed.body)).toContain('Your answer is updated');
    // a low answer shows the crisis lines at once
    expect(textOf(changed.body)).toContain('You do not have to wait for us');
    for (const line of deps.org.crisisLines) expect(changed.body).toContain(line.name);
    const saved = await deps.checkins.get(SESSION, member.memberId);
    expect(saved?.answer).toMatchObject({ score: 1, contact: true });
    expect(saved?.answer?.comment).toBeUndefined();
    const view = await getWithPath(page, token, '5');
    expect(view.body).toContain('value="1" checked');
    expect(textOf(view.body)).toContain('We have your answer: 1 – very low');
  });

  it('a changed answer that is not worrying says "updated" too (one write, no read), and raises no alert', async () => {
    const { deps, member, token, answer } = await setup();
    const outboxBefore = (await outboxEvents(deps.table)).length;
    const first = await postWithPath(answer, { token, score: '4' });
    expect(textOf(first.body)).toContain('Your answer is saved');
    const second = await postWithPath(answer, { token, score: '5', comment: 'better' });
    expect(textOf(second.body)).toContain('Your answer is updated');
    expect((await deps.checkins.get(SESSION, member.memberId))?.answer).toMatchObject({ score: 5, comment: 'better' });
    expect(await outboxEvents(deps.table)).toHaveLength(outboxBefore);
  });

  it('refuses an empty answer or a long comment with the form again (400) and saves nothing', async () => {
    const { deps, member, token, answer } = await setup();
    const empty = await postWithPath(answer, { token });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('Error: choose how you are feeling');
    const long = await postWithPath(answer, { token, score: '3', comment: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(long.body).toContain('at most 1000 characters');
    expect((await deps.checkins.get(SESSION, member.memberId))?.answer).toBeUndefined();
  });

  it('after expiry the page says the check-in has closed (410) and nothing is saved', async () => {
    const { deps, member, token, page, answer } = await setup();
    deps.clock.advance(deps.org.checkins.expiryHours * 3_600_000 + 1000);
    const view = await getWithPath(page, token, '3');
    expect(view.status).toBe(410);
    expect(textOf(view.body)).toContain('This check-in has closed');
    expect((await postWithPath(answer, { token, score: '3' })).status).toBe(410);
    expect(await deps.checkins.get(SESSION, member.memberId)).toBeUndefined();
  });

  it('refuses a token for another session or purpose, and an unknown answer link', async () => {
    const { deps, member, links, page, answer, token } = await setup();
    const other =
      new URL((await checkinLinks(deps, '01KBBBBBBBBBBBBBBBBBBBBBBB', member.memberId)).answers['1']).searchParams.get('t') ?? '';
    expect((await getWithPath(page, other, '3')).status).toBe(400);
    expect((await postWithPath(answer, { token: other, score: '3' })).status).toBe(400);
    const unsubscribe = new URL(links.unsubscribe).searchParams.get('t') ?? '';
    expect((await getWithPath(page, unsubscribe, '3')).status).toBe(400);
    expect((await getWithPath(page, token, '7')).status).toBe(400);
    expect((await deps.checkins.get(SESSION, member.memberId))?.answer).toBeUndefined();
  });
});

function getWithPath(handler: Parameters<typeof invoke>[0], t: string, a: string) {
  return invoke(handler, httpEvent('GET', path, { query: { t, a }, headers: BROWSER, pathParameters: { sessionId: SESSION } }));
}

function postWithPath(handler: Parameters<typeof invoke>[0], fields: Record<string, string>) {
  return invoke(
    handler,
    httpEvent('POST', path, {
      body: new URLSearchParams(fields).toString(),
      headers: FORM,
      pathParameters: { sessionId: SESSION },
    }),
  );
}
