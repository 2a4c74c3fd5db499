const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity ("3Gi", "512Mi", "250m", "1e3") as a number; undefined if malformed. */
export function parseQuantity(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  return value * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}
