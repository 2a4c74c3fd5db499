import { formatEntity, type InsightNotification } from '@tapio/domain';
import { CHANGE_WORDS, insightHeadline } from '../insight-text.js';

const SEVERITY_EMOJI: Record<string, string> = { critical: ':red_circle:', high: ':large_orange_circle:', medium: ':large_yellow_circle:', low: ':white_circle:', info: ':information_source:' };

/** Slack mrkdwn needs &, < and > escaped in text it did not write. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Section text is limited to 3000 characters by Slack. */
const clip = (text: string, max = 2900) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The Block Kit message for one notification: a header, the root cause and severity as
 * fields, the story, the next checks and a context line. `text` is the fallback Slack
 * shows in notifications.
 */
export function slackMessage(notification: InsightNotification, insightUrl?: string) {
  const { insight, change } = notification;
  const headline = `${CHANGE_WORDS[change]}: ${insightHeadline(insight)}`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${change === 'resolved' ? ':white_check_mark:' : (SEVERITY_EMOJI[insight.severity] ?? '')} ${headline}`, 150), emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Root cause*\n${escape(formatEntity(insight.rootCause.entity))}: ${escape(insight.rootCause.what)}` },
        { type: 'mrkdwn', text: `*Severity*\n${insight.severity}` },
        { type: 'mrkdwn', text: `*Pattern*\n${escape(insight.pattern ?? '-')}` },
        { type: 'mrkdwn', text: `*Confidence*\n${Math.round(insight.confidence * 100)}%` },
      ],
    },
  ];
  if (change !== 'resolved') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`\`\`\`${escape(insight.story)}\`\`\``) } });
    if (insight.nextChecks.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Next*\n${insight.nextChecks.map((check) => `• ${escape(check)}`).join('\n')}`) } });
  }
  const link = insightUrl ? ` · <${insightUrl}|open in Tapio>` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${escape(insight.id)} · ${insight.symptoms.length} symptom(s) · first seen ${insight.firstSeen}${link}` }] });
  return { text: headline, blocks };
}
