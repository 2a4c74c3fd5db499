import { Feedback, PatternConfidence } from '@tapio/domain';
import { z } from 'zod';
import { percent } from '../format/text.js';
import { clientFor } from './client-args.js';
import { booleanFlag, CliUsageError, EXIT, stringFlag, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const USAGE = 'tapio feedback PREDICTION_ID --accurate|--inaccurate [--rating -1|0|1] [--comment TEXT] [--user NAME] (token from TAPIO_TOKEN)';
const FeedbackResponse = z.object({ feedback: Feedback, pattern: PatternConfidence.nullable(), replaced: z.boolean().optional() });

function rating(args: CliArgs, accurate: boolean): -1 | 0 | 1 {
  const value = stringFlag(args, 'rating');
  if (value === undefined) return accurate ? 1 : -1;
  if (value === '-1' || value === '0' || value === '1') return Number(value) as -1 | 0 | 1;
  throw new CliUsageError(`--rating must be -1, 0 or 1, not "${value}"`);
}

/** `tapio feedback PREDICTION_ID --accurate`: tells Tapio whether a prediction was right (seed 002). */
export function feedbackCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    const [predictionId, extra] = args.positionals;
    if (!predictionId || extra !== undefined) throw new CliUsageError(`usage: ${USAGE}`);
    const accurate = booleanFlag(args, 'accurate');
    const inaccurate = booleanFlag(args, 'inaccurate');
    if (accurate === inaccurate) throw new CliUsageError(`say either --accurate or --inaccurate; usage: ${USAGE}`);
    // One verdict per prediction and user: giving another replaces yours. The login name unless --user says otherwise.
    const user = stringFlag(args, 'user') ?? io.env['USER'];
    const body = { prediction_id: predictionId, accurate, rating: rating(args, accurate), comment: stringFlag(args, 'comment') ?? '', ...(user ? { user } : {}) };
    const answer = await clientFor(args, io).post('/api/v1/feedback', FeedbackResponse, body);
    if (booleanFlag(args, 'json')) {
      printJson(io, answer);
      return EXIT.ok;
    }
    const pattern = answer.pattern;
    io.stdout.write(
      pattern
        ? `${answer.replaced ? 'Replaced your earlier verdict' : 'Recorded'} ${answer.feedback.id}: pattern ${pattern.patternId} confidence now ${percent(pattern.confidence)} (base ${percent(pattern.baseConfidence)}, ${pattern.accurateCount} of ${pattern.feedbackCount} accurate), ${pattern.status}\n`
        : `Recorded ${answer.feedback.id} for prediction ${predictionId} (pattern ${answer.feedback.patternId} is not loaded)\n`,
    );
    return EXIT.ok;
  });
}
