import type { Deps } from '../../ports/index.ts';
import type { TimerMessage } from '../timers/timer-message.ts';
import { SESSIONS_TOPIC, type Session, type SessionEvent } from './model.ts';

const HOUR = 3_600_000;

/** Timer kind: a waitlist offer's claim window has closed. */
export const OFFER_EXPIRY_KIND = 'waitlist-offer-expiry';

export const offerTimerName = (sessionId: string, memberId: string) => `offer-${sessionId}-${memberId}`;

/**
 * When an offer made now closes: the org's claim window (default 12 h), but never later than
 * 1 h before the start. Undefined when that leaves no window (the place stays free to book).
 */
export function offerWindowEnd(deps: Pick<Deps, 'org'>, now: Date, session: Pick<Session, 'startsAt'>): Date | undefined {
  const latest = new Date(session.startsAt).getTime() - HOUR;
  const end = Math.min(now.getTime() + deps.org.sessions.waitlistClaimHours * HOUR, latest);
  return end > now.getTime() ? new Date(end) : undefined;
}

/**
 * Offers every free place to the waitlist, first come first served: each offer holds the place
 * and writes `WaitlistOffered` (→ the offer email and its expiry timer). Idempotent: with no free
 * place or nobody waiting it does nothing.
 */
export async function offerFreedPlaces(
  deps: Pick<Deps, 'org' | 'sessions' | 'clock' | 'ids'>,
  sessionId: string,
): Promise<string[]> {
  const offered: string[] = [];
  for (;;) {
    const session = await deps.sessions.getSession(sessionId);
    if (!session) return offered;
    const now = deps.clock.now();
    const end = offerWindowEnd(deps, now, session);
    if (!end) return offered;
    const offerExpiresAt = end.toISOString();
    const memberId = await deps.sessions.offerNext(
      sessionId,
      offerExpiresAt,
      (member): SessionEvent => ({
        id: deps.ids.newId(),
        type: 'WaitlistOffered',
        topic: SESSIONS_TOPIC,
        occurredAt: now.toISOString(),
        data: { sessionId, memberId: member, offerExpiresAt },
      }),
    );
    if (!memberId) return offered;
    offered.push(memberId);
  }
}

/**
 * The offer-expiry timer: if the offer is still open past its end, it lapses and the place goes to
 * the next in line. Late or duplicate firing is harmless (the lapse is conditional on the stored
 * expiry); an early one changes nothing.
 */
export async function expireWaitlistOffer(
  deps: Pick<Deps, 'org' | 'sessions' | 'clock' | 'ids'>,
  timer: TimerMessage,
): Promise<void> {
  const sessionId = typeof timer.sessionId === 'string' ? timer.sessionId : '';
  const memberId = typeof timer.memberId === 'string' ? timer.memberId : '';
  if (!sessionId || !memberId) throw new Error('waitlist-offer-expiry timer without sessionId or memberId');
  await deps.sessions.expireOffer(sessionId, memberId, deps.clock.now().toISOString());
  await offerFreedPlaces(deps, sessionId);
}
