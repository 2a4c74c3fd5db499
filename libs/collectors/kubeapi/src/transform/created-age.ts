/**
 * The annotation that says how old an object was when Tapio first saw it: seconds from its
 * `metadata.creationTimestamp` to the watch event's time. A `resource_created` is either an
 * object just created (a new Deployment: seconds old) or one that already existed when the
 * watch began (the starting list: hours or days old); patterns tell the two apart by it
 * (`annotations.created.age_seconds`), e.g. a first deploy whose pods never start.
 */
export const CREATED_AGE_SECONDS = 'created.age_seconds';

/** Nothing when either time is missing or unreadable; a creation stamped after the event (clock skew) is 0 s old. */
export function createdAge(creationTimestamp: string | undefined, eventTimestamp: string): Record<string, string> | undefined {
  if (creationTimestamp === undefined) return undefined;
  const age = Date.parse(eventTimestamp) - Date.parse(creationTimestamp);
  if (!Number.isFinite(age)) return undefined;
  return { [CREATED_AGE_SECONDS]: String(Math.max(0, Math.floor(age / 1000))) };
}
