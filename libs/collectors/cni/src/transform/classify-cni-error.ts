/** Why a CNI ADD or DEL failed, from the plugin's CNI error. */
export type CniFailure = 'ipam_exhausted' | 'bridge_missing' | 'plugin_missing' | 'plugin_error';

export function classifyCniError(error: { code?: number | undefined; msg?: string | undefined; details?: string | undefined; unparsed?: string | undefined }): CniFailure {
  const text = `${error.msg ?? ''} ${error.details ?? ''} ${error.unparsed ?? ''}`;
  // host-local: "failed to allocate for range 0: no IP addresses available in range set: A-B"
  if (/no IP addresses available|range set.*exhausted|ipam.*exhausted/i.test(text)) return 'ipam_exhausted';
  if (/not found in CNI_PATH|failed to find plugin/i.test(text)) return 'plugin_missing';
  if (/bridge/i.test(text) && /(not found|no such device|failed to (find|lookup)|does not exist)/i.test(text)) return 'bridge_missing';
  return 'plugin_error';
}
