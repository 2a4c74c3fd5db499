import type { LabelSelector } from '@tapio/domain';

/** Kubernetes label-selector semantics: every matchLabels pair and every expression must hold. */
export function matchesSelector(labels: Readonly<Record<string, string>> | undefined, selector: LabelSelector): boolean {
  const actual = labels ?? {};
  if (selector.matchLabels && !labelsMatch(actual, selector.matchLabels)) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(actual, expression.key);
    const value = actual[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}

/**
 * Whether every own pair of `wanted` is in `actual`. Read key by key without copying either
 * object: every pod version is matched against every Service and NetworkPolicy of its namespace.
 */
function labelsMatch(actual: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean {
  for (const key in wanted) if (Object.prototype.hasOwnProperty.call(wanted, key) && actual[key] !== wanted[key]) return false;
  return true;
}

/** A Service selector: an empty or missing selector selects nothing (endpoints are managed by hand). */
export function matchesServiceSelector(labels: Readonly<Record<string, string>> | undefined, selector: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return false;
  let empty = true;
  for (const key in selector) {
    if (!Object.prototype.hasOwnProperty.call(selector, key)) continue;
    empty = false;
    break;
  }
  return !empty && labelsMatch(labels ?? {}, selector);
}

/** An empty NetworkPolicy podSelector ({}) selects every pod of the namespace. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}
