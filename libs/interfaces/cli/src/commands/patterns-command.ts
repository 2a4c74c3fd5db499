import { PatternConfidence, PatternDetail } from '@tapio/domain';
import { z } from 'zod';
import { PATTERN_HEADER, patternRow, percent } from '../format/text.js';
import { clientFor } from './client-args.js';
import { booleanFlag, CliUsageError, EXIT, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const PatternList = z.object({ items: z.array(PatternConfidence) });

/** `tapio patterns [NAME]`: behavior patterns with their learned confidence and standing; one pattern with its history. */
export function patternsCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    if (args.positionals.length > 1) throw new CliUsageError('usage: tapio patterns [NAME] [--json]');
    const json = booleanFlag(args, 'json');
    const client = clientFor(args, io);
    const name = args.positionals[0];
    if (name) {
      const pattern = await client.get(`/api/v1/patterns/${encodeURIComponent(name)}`, PatternDetail);
      if (json) {
        printJson(io, pattern);
        return EXIT.ok;
      }
      const lines = [
        `Pattern ${pattern.patternId}`,
        `  status              ${pattern.status}`,
        `  base confidence     ${percent(pattern.baseConfidence)}`,
        `  current confidence  ${percent(pattern.confidence)}  (the base weighs as a few verdicts; verdicts move it toward the share right)`,
        `  accuracy            ${pattern.accuracy === null ? 'no feedback yet' : `${percent(pattern.accuracy)} (${pattern.accurateCount} of ${pattern.feedbackCount} accurate)`}`,
        `  matches             ${pattern.matches}`,
      ];
      if (pattern.history.length) {
        lines.push('', 'History (one verdict per prediction and user, the latest):');
        let status = 'learning';
        for (const step of pattern.history) {
          const changed = step.statusAfter !== status ? `  ${step.statusAfter.toUpperCase()}` : '';
          status = step.statusAfter;
          lines.push(`  ${step.timestamp}  ${step.accurate ? 'accurate  ' : 'inaccurate'}  -> ${percent(step.confidenceAfter).padStart(4)}${changed}  ${step.predictionId} by ${step.user}${step.comment ? `  "${step.comment}"` : ''}`);
        }
      }
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    }
    const { items } = await client.get('/api/v1/patterns', PatternList);
    if (json) printJson(io, { items });
    else io.stdout.write(`${[PATTERN_HEADER, ...items.map(patternRow)].join('\n')}\n`);
    return EXIT.ok;
  });
}
