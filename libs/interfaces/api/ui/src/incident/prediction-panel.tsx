import { useState } from 'react';
import { Link } from 'wouter';
import { apiPost, ApiFailure, seg } from '../api/client.ts';
import type { FeedbackResponse, PatternDetail, PredictionAnswer } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfidenceBar } from '../components/confidence-bar.tsx';
import { Status } from '../components/status.tsx';
import { percent, predictionResult, utc } from '../format/format.ts';

const OUTCOME_TEXT = { open: 'awaiting a verdict', confirmed: 'came true', refuted: 'did not come true' } as const;

const USER_KEY = 'tapio.user';

/** What later events made of a prediction with a deadline: "came true 14:02", "did not happen", "expected by 14:07". */
function ResultBadge({ prediction }: { prediction: PredictionAnswer['prediction'] }) {
  const text = predictionResult(prediction);
  if (!text) return null;
  return <span className={`badge result-${prediction.result?.status ?? 'open'}`}> {text}</span>;
}

function storedUser(): string {
  try {
    return sessionStorage.getItem(USER_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * What the pattern predicted, whether it came true, and the two buttons that say so.
 * A verdict moves the pattern's confidence and may change its status (the backend's,
 * docs/patterns.md), shown here as before -> after. One verdict per prediction and
 * user: the name (kept in this tab) tells users apart; a second verdict replaces yours.
 */
export function PredictionPanel({ predictionId, pattern }: { predictionId: string; pattern: string }) {
  const answer = useApi<PredictionAnswer>(`/api/v1/predictions/${seg(predictionId)}`);
  const detail = useApi<PatternDetail>(`/api/v1/patterns/${seg(pattern)}`);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ before: number; after: number; accurate: boolean; replaced: boolean; status: string } | undefined>();
  const [user, setUser] = useState(storedUser);
  const [failure, setFailure] = useState<string>();

  const send = async (accurate: boolean) => {
    setSending(true);
    setFailure(undefined);
    const before = detail.data?.confidence;
    try {
      const name = user.trim();
      const response = await apiPost<FeedbackResponse>('/api/v1/feedback', { prediction_id: predictionId, accurate, rating: accurate ? 1 : -1, ...(name ? { user: name } : {}) });
      if (response.pattern && before !== undefined) setResult({ before, after: response.pattern.confidence, accurate, replaced: response.replaced, status: response.pattern.status });
      answer.reload();
      detail.reload();
    } catch (error) {
      const status = error instanceof ApiFailure ? error.status : 0;
      setFailure(status === 401 ? 'The verdict needs the write token: set it and press the button again.' : (error as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Status loading={answer.loading && !answer.data} error={answer.error} what="the prediction">
      {answer.data && (
        <div className="prediction">
          <p>
            <span className={`badge outcome-${answer.data.outcome}`}>{OUTCOME_TEXT[answer.data.outcome]}</span> {answer.data.prediction.message}
            {answer.data.prediction.timeHorizon ? ` (within ${answer.data.prediction.timeHorizon})` : ''}
            <ResultBadge prediction={answer.data.prediction} />
          </p>
          {answer.data.others.length > 0 && (
            <ul className="earlier-predictions" aria-label="Earlier predictions of this incident">
              {answer.data.others.map((other) => (
                <li key={other.id}>
                  {utc(other.createdAt)}: {other.message} ({percent(other.confidence)})
                  <ResultBadge prediction={other} />
                </li>
              ))}
            </ul>
          )}
          {detail.data && (
            <p className="pattern-confidence">
              <Link href={`/patterns/${seg(pattern)}`}>{pattern}</Link> confidence{' '}
              <ConfidenceBar value={detail.data.confidence} base={detail.data.baseConfidence} label={`confidence of pattern ${pattern}`} /> from{' '}
              {detail.data.feedbackCount} {detail.data.feedbackCount === 1 ? 'verdict' : 'verdicts'}, status <strong className="pattern-status">{detail.data.status}</strong>
            </p>
          )}
          <div className="verdict" role="group" aria-label="Was Tapio right about this incident?">
            <label>
              Your name{' '}
              <input
                type="text"
                value={user}
                maxLength={128}
                placeholder="anonymous"
                onChange={(event) => {
                  setUser(event.target.value);
                  try {
                    sessionStorage.setItem(USER_KEY, event.target.value);
                  } catch {
                    // Storage refused (private mode): the name lasts as long as the page.
                  }
                }}
              />
            </label>
            <span>Was Tapio right?</span>
            <button type="button" className="right" disabled={sending} onClick={() => void send(true)}>
              Right
            </button>
            <button type="button" className="wrong" disabled={sending} onClick={() => void send(false)}>
              Wrong
            </button>
          </div>
          <p aria-live="polite" className="verdict-result">
            {result &&
              `${result.replaced ? 'Replaced your verdict with' : 'Recorded'} "${result.accurate ? 'right' : 'wrong'}": ${pattern} confidence ${percent(result.before)} → ${percent(result.after)}, ${result.status}.`}
          </p>
          {failure && (
            <p className="notice error" role="alert">
              {failure}
            </p>
          )}
          {answer.data.verdicts.length > 0 && (
            <ul className="verdicts">
              {answer.data.verdicts.map((verdict) => (
                <li key={verdict.id}>
                  {utc(verdict.timestamp)}: {verdict.accurate ? 'right' : 'wrong'} by {verdict.user ?? 'anonymous'}
                  {verdict.comment ? `, "${verdict.comment}"` : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Status>
  );
}
