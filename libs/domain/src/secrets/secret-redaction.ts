/**
 * Secret values never travel in Tapio: wherever a core/v1 Secret object appears (a
 * kubeapi RawEvent, a replayed recording line, a dead-lettered payload), its values are
 * replaced before the object goes anywhere. What replaces a value is either the constant
 * `<redacted>` or, when an installation opted in to content fingerprints, a keyed
 * fingerprint (`hmac-sha256:<hex>`, see the collectors) that shows a rotation without
 * allowing a dictionary attack. Keys, labels and annotations stay (except the kubectl
 * last-applied annotation, whose copy of the values is redacted the same way).
 *
 * A recording made by another tool may already carry stand-ins of its own: the shared
 * recording format writes every value as the base64 of a placeholder such as
 * `<redacted:v1>` and a rotation as a new placeholder (`<redacted:v2>`). A placeholder holds
 * no secret, only which version of the value it was, so it is kept (decoded): without it a
 * rotation in such a recording would be invisible.
 */

export const REDACTED_VALUE = '<redacted>';

/** Keyed digest of one value's bytes; must return `hmac-sha256:<64 hex>`. */
export type SecretFingerprint = (bytes: Uint8Array) => string;

const FINGERPRINT = /^hmac-sha256:[0-9a-f]{64}$/;
/** A recorder's placeholder: `<redacted:` a short version tag `>`, nothing else. */
const PLACEHOLDER = /^<redacted:[A-Za-z0-9._-]{1,64}>$/;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A core/v1 Secret (a recording's objects always name their apiVersion; a list item may not). */
export function isSecretObject(value: unknown): value is JsonObject {
  return isObject(value) && value['kind'] === 'Secret' && (value['apiVersion'] === 'v1' || value['apiVersion'] === undefined);
}

/** True for what redaction writes, so redacting twice changes nothing. */
export function isRedactedValue(value: unknown): boolean {
  return value === REDACTED_VALUE || isValueStandIn(value);
}

/** Whether a value is a keyed fingerprint (`hmac-sha256:<64 hex>`), the only stand-in a collector writes itself. */
export function isKeyedFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT.test(value);
}

/**
 * A stand-in that changes when the value does (a keyed fingerprint, or a recorder's
 * versioned placeholder): what shows a rotation without the value.
 */
export function isValueStandIn(value: unknown): value is string {
  return typeof value === 'string' && (FINGERPRINT.test(value) || PLACEHOLDER.test(value));
}

function bytesOf(value: string, encoded: boolean): Uint8Array {
  if (encoded && BASE64.test(value)) {
    const binary = atob(value);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  }
  return new TextEncoder().encode(value);
}

/** The placeholder a value is (decoded from base64 in `data`), else undefined. */
function placeholderOf(value: string, encoded: boolean): string | undefined {
  if (PLACEHOLDER.test(value)) return value;
  // The longest placeholder is 76 characters, 104 in base64: longer values are never decoded.
  if (!encoded || value.length > 104 || !value.startsWith('PHJlZGFjdGVkO') || !BASE64.test(value)) return undefined;
  const decoded = atob(value);
  return PLACEHOLDER.test(decoded) ? decoded : undefined;
}

function redactValues(values: unknown, encoded: boolean, fingerprint: SecretFingerprint | undefined): unknown {
  if (!isObject(values)) return values === undefined || values === null ? values : REDACTED_VALUE;
  const redacted: JsonObject = {};
  for (const [key, value] of Object.entries(values)) {
    const placeholder = typeof value === 'string' ? placeholderOf(value, encoded) : undefined;
    if (placeholder) redacted[key] = placeholder;
    else if (isRedactedValue(value)) redacted[key] = value;
    else if (typeof value === 'string' && fingerprint) redacted[key] = fingerprint(bytesOf(value, encoded));
    else redacted[key] = REDACTED_VALUE;
  }
  return redacted;
}

function redactLastApplied(text: unknown, fingerprint: SecretFingerprint | undefined): string {
  if (typeof text !== 'string') return REDACTED_VALUE;
  try {
    const applied: unknown = JSON.parse(text);
    // Keys stay readable (they say which keys exist); values go.
    if (isObject(applied)) return JSON.stringify(redactSecret(applied, fingerprint));
  } catch {
    // Not JSON: nothing in it can be kept.
  }
  return REDACTED_VALUE;
}

/**
 * The Secret without values: `data` (base64, fingerprinted over the decoded bytes so it
 * agrees with `stringData`), `stringData` and the last-applied annotation. Returns a new
 * object; the input is not changed. Already redacted values stay as they are.
 */
export function redactSecret(secret: JsonObject, fingerprint?: SecretFingerprint): JsonObject {
  const redacted: JsonObject = { ...secret };
  if ('data' in secret) redacted['data'] = redactValues(secret['data'], true, fingerprint);
  if ('stringData' in secret) redacted['stringData'] = redactValues(secret['stringData'], false, fingerprint);
  const metadata = secret['metadata'];
  if (isObject(metadata) && isObject(metadata['annotations']) && LAST_APPLIED in metadata['annotations']) {
    const annotations = metadata['annotations'];
    if (!isRedactedLastApplied(annotations[LAST_APPLIED])) {
      redacted['metadata'] = { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: redactLastApplied(annotations[LAST_APPLIED], fingerprint) } };
    }
  }
  return redacted;
}

function isRedactedLastApplied(text: unknown): boolean {
  if (text === REDACTED_VALUE) return true;
  if (typeof text !== 'string') return false;
  try {
    const applied: unknown = JSON.parse(text);
    return isObject(applied) && ['data', 'stringData'].every((field) => !isObject(applied[field]) || Object.values(applied[field] as JsonObject).every(isRedactedValue));
  } catch {
    return false;
  }
}

/**
 * Redacts every Secret object found anywhere in a JSON value (a RawEvent's data, a
 * dead-lettered payload, a List's items). Walks iteratively, so a deeply nested input
 * cannot overflow the stack; copies only the containers on the way to a Secret and
 * returns the input itself when it holds none.
 */
export function redactSecretsIn<T>(value: T, fingerprint?: SecretFingerprint): T {
  if (isSecretObject(value)) return redactSecret(value, fingerprint) as T;
  interface Step {
    node: unknown;
    key: string | number;
    parent: Step | undefined;
  }
  const paths: Array<Array<string | number>> = [];
  const stack: Step[] = [{ node: value, key: '', parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const { node } = step;
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        if (child !== null && typeof child === 'object') stack.push({ node: child, key: index, parent: step });
      });
    } else if (isObject(node)) {
      if (step.parent !== undefined && isSecretObject(node)) {
        const path: Array<string | number> = [];
        for (let at: Step | undefined = step; at?.parent !== undefined; at = at.parent) path.push(at.key);
        paths.push(path.reverse());
        continue;
      }
      for (const [key, child] of Object.entries(node)) {
        if (child !== null && typeof child === 'object') stack.push({ node: child, key, parent: step });
      }
    }
  }
  if (paths.length === 0) return value;
  const copies = new Map<unknown, unknown>();
  const copyOf = (container: unknown): Record<string | number, unknown> => {
    let copy = copies.get(container);
    if (copy === undefined) {
      copy = Array.isArray(container) ? [...container] : { ...(container as JsonObject) };
      copies.set(container, copy);
    }
    return copy as Record<string | number, unknown>;
  };
  const root = copyOf(value);
  for (const path of paths) {
    let original: unknown = value;
    let copy = root;
    for (const [index, step] of path.entries()) {
      const child = (original as Record<string | number, unknown>)[step];
      if (index === path.length - 1) {
        copy[step] = redactSecret(child as JsonObject, fingerprint);
      } else {
        const childCopy = copyOf(child);
        copy[step] = childCopy;
        copy = childCopy;
        original = child;
      }
    }
  }
  return root as T;
}

const MENTIONS_SECRET = /"kind"\s*:\s*"Secret"/;

/**
 * A refused input made safe to keep: JSON text and values have their Secrets redacted;
 * text that is not JSON but names a Secret is withheld (its values cannot be found in it).
 */
export function redactSecretsInPayload(payload: unknown, fingerprint?: SecretFingerprint): unknown {
  if (typeof payload !== 'string') return redactSecretsIn(payload, fingerprint);
  if (!MENTIONS_SECRET.test(payload)) return payload;
  try {
    return JSON.stringify(redactSecretsIn(JSON.parse(payload) as unknown, fingerprint));
  } catch {
    return `<withheld: ${payload.length} characters of text that is not JSON and names a Secret>`;
  }
}

/**
 * A RawEvent's data with Secrets redacted. A kubeapi watch event about any other single
 * object cannot hold a Secret and is returned as it is without a walk.
 */
export function redactSecretsInData(data: unknown, fingerprint?: SecretFingerprint): unknown {
  if (isObject(data) && isObject(data['object'])) {
    const kind = data['object']['kind'];
    if (typeof kind === 'string' && kind !== 'Secret' && !kind.endsWith('List')) return data;
  }
  return redactSecretsIn(data, fingerprint);
}
