// What group pulls need from the bridge, owned here so that any bridge driver can provide it:
// create a group with its first members, add members to a group. Both answer one result per
// member.

export interface GroupMemberResult {
  member: string;
  /** `added`, `invited`, `failed` (with `reason`), or a failure reason given as the state. */
  state: string;
  reason?: string;
}

export interface GroupBridge {
  createGroup(request: { phone: string; name: string; members: string[] }, signal?: AbortSignal): Promise<{ groupId: string; results: GroupMemberResult[] }>;
  addMembers(request: { phone: string; groupId: string; members: string[] }, signal?: AbortSignal): Promise<{ results: GroupMemberResult[] }>;
}

/**
 * A failed group call, by what it tells about the members sent:
 * - `not_sent`: the bridge was unreachable or answered 5xx/429, so nothing was done; retry later.
 * - `refused`: the bridge refused the request (4xx); retrying would not help.
 * - `unknown`: no answer in time (or the hub stopped); the members may have been added.
 */
export class GroupCallError extends Error {
  constructor(message: string, readonly outcome: 'not_sent' | 'refused' | 'unknown') {
    super(message);
    this.name = 'GroupCallError';
  }
}
