import { z } from 'zod';

/**
 * The journal fields a journal RawEvent carries, exactly as `journalctl --output=json` wrote
 * them: strings, or arrays of bytes for values that are not valid UTF-8. Trusted fields
 * (leading `_`) are set by journald from the sender's credentials and cannot be forged.
 */
export const JOURNAL_FIELDS = [
  '__CURSOR',
  '__REALTIME_TIMESTAMP',
  '_BOOT_ID',
  '_HOSTNAME',
  '_TRANSPORT',
  '_UID',
  '_PID',
  '_COMM',
  '_SYSTEMD_UNIT',
  'MESSAGE_ID',
  'MESSAGE',
  'PRIORITY',
  'SYSLOG_IDENTIFIER',
  'UNIT',
  'USER_UNIT',
  'UNIT_RESULT',
  'N_RESTARTS',
  'EXIT_CODE',
  'EXIT_STATUS',
  'JOB_RESULT',
] as const;

export const JOURNAL_RAW_TYPE = 'journal_entry';

const FieldValue = z.union([z.string(), z.array(z.number().int().min(0).max(255))]);

/** RawEvent.data of source `systemd`, type `journal_entry`. */
export const JournalEntryData = z.object({
  node: z.string().min(1),
  fields: z.record(z.string(), FieldValue),
});
export type JournalEntryData = z.infer<typeof JournalEntryData>;

/** A field as text: byte arrays (non UTF-8 values) are decoded leniently. */
export function fieldText(fields: JournalEntryData['fields'], name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
}

/** Keeps the fields Tapio reads; journal entries carry many more (command lines, capabilities...). */
export function pickJournalFields(entry: Record<string, unknown>): JournalEntryData['fields'] {
  const fields: JournalEntryData['fields'] = {};
  for (const name of JOURNAL_FIELDS) {
    const value = entry[name];
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value) && value.every((byte) => typeof byte === 'number')) fields[name] = value as number[];
  }
  return fields;
}
