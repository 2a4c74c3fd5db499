import { Insight, pageOf, Prediction } from '@tapio/domain';
import { z } from 'zod';
import { foldNote, insightBlock, insightHeadline, predictionLines } from '../format/text.js';
import { clientFor, entityArg, timeFlag } from './client-args.js';
import { booleanFlag, EXIT, integerFlag, stringFlag, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

/** The part of GET /api/v1/predictions/{id} shown here: the prediction and the incident's other ones. */
const PredictionsOfIncident = z.object({ prediction: Prediction, others: z.array(Prediction).default([]) });

const USAGE = 'tapio insights [ID | KIND NAMESPACE/NAME] [--pattern P] [--severity S] [--since T] [--until T] [--limit N] [--cursor C] [--all] [--json]';

/**
 * `tapio insights`: the incidents Tapio explained, one per cause (a root with what it also
 * explains; `--all` lists the folded incidents too, each naming its root); `tapio insights ID`
 * tells one in full.
 */
export function insightsCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    const json = booleanFlag(args, 'json');
    const client = clientFor(args, io);
    if (args.positionals.length === 1 && !args.positionals[0]?.includes('/')) {
      const insight = await client.get(`/api/v1/insights/${encodeURIComponent(args.positionals[0] as string)}`, Insight);
      if (json) {
        printJson(io, insight);
        return EXIT.ok;
      }
      // The insight is the answer; its predictions are told after it, or why they could not be read.
      let predictions = '';
      if (insight.predictionId) {
        try {
          const answer = await client.get(`/api/v1/predictions/${encodeURIComponent(insight.predictionId)}`, PredictionsOfIncident);
          predictions = `\nPredictions:\n${predictionLines([...answer.others, answer.prediction].sort((a, b) => a.createdAt.localeCompare(b.createdAt))).join('\n')}\n`;
        } catch (error) {
          predictions = `\nPredictions: could not be read (${(error as Error).message})\n`;
        }
      }
      io.stdout.write(`${insightBlock(insight)}\n${predictions}`);
      return EXIT.ok;
    }
    const entity = args.positionals.length ? entityArg(args, args.positionals, USAGE) : undefined;
    const now = io.now?.() ?? new Date();
    const page = await client.get('/api/v1/insights', pageOf(Insight), {
      ...(entity ? { kind: entity.kind.toLowerCase(), name: entity.name, ...(entity.namespace ? { namespace: entity.namespace } : {}) } : {}),
      pattern: stringFlag(args, 'pattern'),
      severity: stringFlag(args, 'severity'),
      since: timeFlag(args, 'since', now),
      until: timeFlag(args, 'until', now),
      limit: integerFlag(args, 'limit', 1, 1000),
      cursor: stringFlag(args, 'cursor'),
      folded: booleanFlag(args, 'all') ? 'show' : undefined,
    });
    if (json) {
      printJson(io, page);
      return EXIT.ok;
    }
    const lines = page.items.length ? page.items.map((insight) => `${insight.firstSeen}  ${insight.id}  ${insightHeadline(insight)}${foldNote(insight)}`) : ['No insights match.'];
    if (page.nextCursor) lines.push(`More: add --cursor ${page.nextCursor}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}
