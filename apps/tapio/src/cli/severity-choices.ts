/**
 * The severities as the command line offers them (--severity), without the domain library:
 * building the command line loads neither the domain nor zod, so `tapio version`, `--help`
 * and the client commands start without them. severity-choices.test.ts holds it equal to
 * the domain's SEVERITIES.
 */
export const SEVERITY_CHOICES = ['info', 'low', 'medium', 'high', 'critical'] as const;
