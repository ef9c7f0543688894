import type { Deps } from '../../ports/index.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { requireCanCreateGroups } from './admin-access.ts';
import { CreateGroupRequest, type Group, type Session } from './model.ts';
import { formatWithOffset } from './zoned-time.ts';

/** POST /admin/groups: the creator facilitates the new group. */
export async function createGroup(
  deps: Pick<Deps, 'sessions' | 'ids' | 'clock'>,
  facilitator: Facilitator,
  input: CreateGroupRequest,
): Promise<Group> {
  requireCanCreateGroups(facilitator);
  const request = CreateGroupRequest.parse(input);
  const group: Group = {
    groupId: deps.ids.newId(),
    name: request.name,
    ...(request.description ? { description: request.description } : {}),
    format: request.format,
    ...(request.location ? { location: request.location } : {}),
    ...(request.format === 'online' && request.meetingUrl ? { meetingUrl: request.meetingUrl } : {}),
    capacity: request.capacity,
    access: request.access,
    timezone: request.timezone,
    topics: [...new Set(request.topics)],
    facilitatorIds: [facilitator.facilitatorId],
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.sessions.createGroup(group);
  return group;
}

/** A group as the admin API shows it. */
export function groupView(group: Group) {
  const { facilitatorIds, ...rest } = group;
  return { id: group.groupId, ...rest, facilitatorIds };
}

/** A session as the admin API shows it: times with the group's offset. */
export function sessionView(session: Session, group: Pick<Group, 'timezone'>) {
  return {
    id: session.sessionId,
    groupId: session.groupId,
    status: session.status,
    startsAt: formatWithOffset(new Date(session.startsAt), group.timezone),
    endsAt: formatWithOffset(new Date(session.endsAt), group.timezone),
    roomBookedUntil: formatWithOffset(new Date(session.roomBookedUntil), group.timezone),
    durationMinutes: session.durationMinutes,
    ...(session.contentNote ? { contentNote: session.contentNote } : {}),
    capacity: session.capacity,
    placesLeft: placesLeft(session),
  };
}

export function placesLeft(session: Session): number {
  return session.status === 'scheduled' ? Math.max(0, session.capacity - session.bookedCount) : 0;
}

export interface DirectoryFilter {
  format?: Group['format'];
  topic?: string;
}

/** A group in the public directory: what a person needs to choose; never who booked, never the meeting link. */
export interface DirectoryGroup {
  id: string;
  name: string;
  description?: string;
  format: Group['format'];
  location?: string;
  access: Group['access'];
  timezone: string;
  topics: string[];
  sessions: { id: string; startsAt: string; endsAt: string; contentNote?: string; placesLeft: number }[];
}

/** GET /groups and /directory: groups with their upcoming scheduled sessions and places left. */
export async function listDirectory(
  deps: Pick<Deps, 'sessions' | 'clock'>,
  filter: DirectoryFilter = {},
): Promise<DirectoryGroup[]> {
  const now = deps.clock.now().toISOString();
  // Two Queries whatever the number of groups: the groups, and every upcoming scheduled session.
  const [allGroups, upcoming] = await Promise.all([deps.sessions.listGroups(), deps.sessions.listScheduledSessions(now)]);
  const groups = allGroups.filter(
    (g) => (!filter.format || g.format === filter.format) && (!filter.topic || g.topics.includes(filter.topic)),
  );
  const byGroup = new Map<string, Session[]>();
  for (const session of upcoming) byGroup.set(session.groupId, [...(byGroup.get(session.groupId) ?? []), session]);
  const out = groups.map((g): DirectoryGroup => {
    const sessions = byGroup.get(g.groupId) ?? [];
    return {
      id: g.groupId,
      name: g.name,
      ...(g.description ? { description: g.description } : {}),
      format: g.format,
      ...(g.format !== 'online' && g.location ? { location: g.location } : {}),
      access: g.access,
      timezone: g.timezone,
      topics: g.topics,
      sessions: sessions.map((s) => ({
        id: s.sessionId,
        startsAt: formatWithOffset(new Date(s.startsAt), g.timezone),
        endsAt: formatWithOffset(new Date(s.endsAt), g.timezone),
        ...(s.contentNote ? { contentNote: s.contentNote } : {}),
        placesLeft: placesLeft(s),
      })),
    };
  });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
