import { Feedback, PatternConfidence } from '@tapio/domain';
import { z } from 'zod';
import { PATTERN_HEADER, patternRow, percent } from '../format/text.js';
import { clientFor } from './client-args.js';
import { booleanFlag, CliUsageError, EXIT, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const PatternList = z.object({ items: z.array(PatternConfidence) });
const PatternDetail = PatternConfidence.extend({
  history: z.array(z.object({ feedbackId: z.string(), predictionId: z.string(), accurate: z.boolean(), rating: Feedback.shape.rating, comment: z.string(), timestamp: z.string(), confidenceAfter: z.number() })),
});

/** `tapio patterns [NAME]`: behavior patterns with their learned confidence. */
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
        `  base confidence     ${percent(pattern.baseConfidence)}`,
        `  current confidence  ${percent(pattern.confidence)}  (base × (0.5 + accuracy × 0.5))`,
        `  accuracy            ${pattern.accuracy === null ? 'no feedback yet' : `${percent(pattern.accuracy)} (${pattern.accurateCount} of ${pattern.feedbackCount} accurate)`}`,
        `  matches             ${pattern.matches}`,
      ];
      if (pattern.history.length) {
        lines.push('', 'Feedback history:');
        for (const step of pattern.history) lines.push(`  ${step.timestamp}  ${step.accurate ? 'accurate  ' : 'inaccurate'}  -> ${percent(step.confidenceAfter)}  ${step.predictionId}${step.comment ? `  "${step.comment}"` : ''}`);
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
