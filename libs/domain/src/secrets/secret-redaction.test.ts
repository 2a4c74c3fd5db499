import { describe, expect, it } from 'vitest';
import { isKeyedFingerprint, isRedactedValue, isValueStandIn, redactSecret, redactSecretsIn, REDACTED_VALUE } from './secret-redaction.js';

const PLANTED = 'tapio-planted-value-9f3e';
const b64 = (text: string): string => btoa(text);
const secret = () => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop', annotations: { team: 'pay', 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', data: { password: b64(PLANTED) } }) } },
  data: { password: b64(PLANTED) },
  stringData: { token: PLANTED },
  type: 'Opaque',
});

describe('secret redaction', () => {
  it('replaces every value of a Secret, its last-applied copy included, keeping keys and other metadata', () => {
    const redacted = redactSecret(secret());
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(PLANTED);
    expect(text).not.toContain(b64(PLANTED));
    expect(redacted['data']).toEqual({ password: REDACTED_VALUE });
    expect(redacted['stringData']).toEqual({ token: REDACTED_VALUE });
    const metadata = redacted['metadata'] as { annotations: Record<string, string> };
    expect(metadata.annotations['team']).toBe('pay');
    expect(JSON.parse(metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] as string)).toEqual({ kind: 'Secret', data: { password: REDACTED_VALUE } });
    expect(redacted['type']).toBe('Opaque');
  });

  it("keeps a recording's versioned placeholders (decoded), which hold no secret, and redacts anything merely like one", () => {
    const recorded = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: b64('<redacted:v2>'), near: b64('<redacted:v2> and more'), plain: b64('<redacted:'), wrapped: b64(' <redacted:v1>') },
      stringData: { token: '<redacted:rotation-7>' },
    };
    const once = redactSecret(recorded);
    expect(once['data']).toEqual({ password: '<redacted:v2>', near: REDACTED_VALUE, plain: REDACTED_VALUE, wrapped: REDACTED_VALUE });
    expect(once['stringData']).toEqual({ token: '<redacted:rotation-7>' });
    expect(isValueStandIn('<redacted:v2>')).toBe(true);
    expect(isValueStandIn(REDACTED_VALUE)).toBe(false);
    // A recorder's placeholder is a stand-in but not a keyed fingerprint (which only a collector writes).
    expect(isKeyedFingerprint('<redacted:v2>')).toBe(false);
    expect(isKeyedFingerprint(`hmac-sha256:${'0f'.repeat(32)}`)).toBe(true);
    expect(isKeyedFingerprint(`hmac-sha256:${'0F'.repeat(32)}`)).toBe(false);
    expect(redactSecret(once)).toEqual(once);
  });

  it('uses the fingerprint it is given, over the decoded bytes, so data and stringData agree; redacting twice changes nothing', () => {
    const seen: string[] = [];
    const fingerprint = (bytes: Uint8Array): string => {
      seen.push(new TextDecoder().decode(bytes));
      return `hmac-sha256:${'a'.repeat(64)}`;
    };
    const once = redactSecret(secret(), fingerprint);
    expect(seen.filter((value) => value === PLANTED)).toHaveLength(3);
    expect(isRedactedValue((once['data'] as Record<string, string>)['password'])).toBe(true);
    expect(redactSecret(once, () => 'never called')).toEqual(once);
  });

  it('finds Secrets anywhere in a value, copying only what leads to them, and leaves other values untouched', () => {
    const payload = { line: 3, parsed: { source: 'kubeapi', data: { type: 'ADDED', object: secret() } }, list: { items: [{ kind: 'ConfigMap', data: { a: PLANTED } }, secret()] } };
    const redacted = redactSecretsIn(payload);
    const text = JSON.stringify(redacted);
    expect(text.split(PLANTED)).toHaveLength(2); // only the ConfigMap's value is left
    expect(redacted.list.items[0]).toBe(payload.list.items[0]);
    expect(JSON.stringify(payload)).toContain(b64(PLANTED)); // the input is not changed
    const plain = { a: { b: [1, 2, { c: 'x' }] } };
    expect(redactSecretsIn(plain)).toBe(plain);
  });

  it('walks a deeply nested value without overflowing the stack', () => {
    let nested: unknown = secret();
    for (let depth = 0; depth < 20_000; depth += 1) nested = { n: nested };
    const redacted = redactSecretsIn(nested);
    let inner: unknown = redacted;
    for (let depth = 0; depth < 20_000; depth += 1) inner = (inner as { n: unknown }).n;
    expect((inner as { data: unknown }).data).toEqual({ password: REDACTED_VALUE });
  });
});
