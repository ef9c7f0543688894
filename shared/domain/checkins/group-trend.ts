import type { Deps } from '../../ports/index.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { groupForFacilitator } from '../sessions/admin-access.ts';
import type { Session } from '../sessions/model.ts';
import { type CheckinFigures, checkinFigures, MIN_ANSWERS_SHOWN } from './checkin-figures.ts';

export interface TrendSession extends CheckinFigures {
  sessionId: string;
  startsAt: string;
  cancelled: boolean;
}

export interface GroupTrend {
  groupId: string;
  name: string;
  timezone: string;
  /** Distributions and means of fewer scored answers than this are hidden (k-anonymity). */
  minimumAnswers: number;
  /** Sessions that had check-ins sent, oldest first. */
  sessions: TrendSession[];
}

/** Sessions read at once; a year of weekly sessions is 52 queries on the check-in partition. */
const CONCURRENCY = 8;

/**
 * GET /admin/groups/{groupId}/checkins: per session of the group that had check-ins sent, within
 * the org's answer retention: date, sent, opened, flagged (apart), answered, response rate, and the
 * mean and distribution only from {@link MIN_ANSWERS_SHOWN} scored answers. The group's facilitators
 * and admins (403 otherwise, 404 for an unknown group).
 *
 * No aggregate over sessions is given: with per-session figures hidden below the threshold, a
 * group total minus the visible sessions would reveal the hidden ones.
 *
 * Reads: the group's sessions (gsi1 `GROUP#<groupId>#SESSIONS`, sort key from the start of the
 * retention window to now), then each session's check-ins (pk `CHECKIN#<sessionId>`): key and index lookups only.
 */
export async function groupCheckinTrend(
  deps: Pick<Deps, 'sessions' | 'checkins' | 'clock' | 'org'>,
  facilitator: Facilitator,
  groupId: string,
): Promise<GroupTrend> {
  const group = await groupForFacilitator(deps, facilitator, groupId);
  const now = deps.clock.now();
  const from = new Date(now);
  from.setUTCMonth(from.getUTCMonth() - deps.org.retention.checkinAnswersMonths);
  const past = (await deps.sessions.listSessions(group.groupId, from.toISOString())).filter(
    (s) => s.startsAt <= now.toISOString(),
  );
  const rows: TrendSession[] = [];
  for (let i = 0; i < past.length; i += CONCURRENCY) {
    const batch = past.slice(i, i + CONCURRENCY);
    rows.push(...(await Promise.all(batch.map(async (s) => row(s, await deps.checkins.listForSession(s.sessionId))))));
  }
  return {
    groupId: group.groupId,
    name: group.name,
    timezone: group.timezone,
    minimumAnswers: MIN_ANSWERS_SHOWN,
    sessions: rows.filter((r) => r.sent > 0),
  };
}

function row(session: Session, records: Parameters<typeof checkinFigures>[0]): TrendSession {
  return {
    sessionId: session.sessionId,
    startsAt: session.startsAt,
    cancelled: session.status === 'cancelled',
    ...checkinFigures(records),
  };
}
