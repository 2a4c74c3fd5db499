const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity ("64Mi", "500m", "1.5", "1e3") as a number of base units
 * (bytes, cores); throws naming the text when it is not one.
 */
export function parseQuantity(text: string): number {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a Kubernetes quantity`);
  const [, number = '0', exponent, suffix = ''] = match;
  const value = Number(number);
  return exponent ? value * 10 ** Number(exponent.slice(1)) : value * (SUFFIXES[suffix] as number);
}
