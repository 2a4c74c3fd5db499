/**
 * The MESSAGE_IDs systemd (PID 1) logs unit state changes with: systemd's message catalog
 * (`journalctl --catalog`, /usr/lib/systemd/catalog/systemd.catalog). Matching ids rather
 * than message text keeps the collector independent of the locale and systemd's wording.
 */
export const UNIT_MESSAGE_IDS = {
  /** "Started X": a start job finished successfully. */
  started: '39f53479d3a045ac8e11786248231fbf',
  /** "Failed to start X": a start job failed. */
  startFailed: 'be02cf6855d2428ba40df7e9d022f03d',
  /** "Stopped X": a stop job finished. */
  stopped: '9d1aaa27d60140bd96365438aad20286',
  /** "X: Failed with result 'exit-code'": the unit entered the failed state (UNIT_RESULT). */
  failed: 'd9b373ed55a64feb8242e02dbe79a49c',
  /** "X: Scheduled restart job, restart counter is at N" (N_RESTARTS). */
  restartScheduled: '5eb03494b6584870a536b337290809b3',
  /** "X: A process of this unit has been killed by the OOM killer." */
  outOfMemory: 'fe6faa94e7774663a0da52717891d8ef',
} as const;

export type UnitMessageKind = keyof typeof UNIT_MESSAGE_IDS;

const KIND_BY_ID = new Map<string, UnitMessageKind>(Object.entries(UNIT_MESSAGE_IDS).map(([kind, id]) => [id, kind as UnitMessageKind]));

/** The unit state change a MESSAGE_ID stands for, or undefined for any other message. */
export function unitMessageKind(messageId: string | undefined): UnitMessageKind | undefined {
  return messageId === undefined ? undefined : KIND_BY_ID.get(messageId.toLowerCase());
}

/**
 * Compiles glob patterns (`*` any run of characters, `?` one character) into one test.
 * Unit names are plain words with dots, dashes and @, so no more glob syntax is needed.
 */
export function unitFilter(patterns: readonly string[]): (unit: string) => boolean {
  const sources = patterns.map((pattern) =>
    pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
  const regex = new RegExp(`^(?:${sources.join('|')})$`);
  return (unit) => regex.test(unit);
}
