import type { K8sObjectFacts } from '@tapio/domain';
import type { Signal } from './signal.js';

/** The label the EndpointSlice controller puts on every slice: the Service it belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Plain JSON, so it can be kept in a durable store. */
interface ServiceState {
  /** Ready addresses of the Service's Endpoints object, once seen. */
  endpoints?: number;
  /** Ready endpoints per EndpointSlice (by uid). */
  slices: Record<string, number>;
  /** What was last said about the Service; undefined until first seen. */
  available?: boolean;
  /** The last signal and the RawEvent that said it: the same RawEvent delivered again says it again (same id). */
  said?: { raw: string; signal: EndpointSignal };
}

export interface EndpointSignal extends Signal {
  /** The Service the signal is about (a slice's own name is never a Service's). */
  service: string;
}

/**
 * Availability of each Service as its Endpoints object and its EndpointSlices report it.
 * Both describe the same addresses (written by two controllers, moments apart), so they
 * feed one state per Service: the first source to see the last ready address go says
 * `service_unavailable`, the first to see one come back says `service_restored`, and the
 * other source's same news is not repeated. Slices are summed, so one slice emptying
 * while another still has ready endpoints says nothing.
 */
export class ServiceEndpoints {
  private readonly services = new Map<string, ServiceState>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /** Services changed since the last call, with their state now (undefined: forgotten). */
  changes(): Array<[string, ServiceState | undefined]> {
    const changed: Array<[string, ServiceState | undefined]> = [];
    for (const key of this.dirty) {
      const state = this.services.get(key);
      changed.push([key, state ? { ...state, slices: { ...state.slices } } : undefined]);
    }
    this.dirty.clear();
    return changed;
  }

  /** A Service's state a durable store kept; from now on changes are tracked. */
  restore(key: string, state: ServiceState | undefined): void {
    this.tracking = true;
    if (state && typeof state === 'object' && state.slices && typeof state.slices === 'object') this.services.set(key, state);
  }

  /** What was last said of a Service: true available, false no ready endpoint, undefined not seen yet. */
  available(cluster: string, namespace: string, service: string): boolean | undefined {
    return this.services.get(`${cluster}|${namespace}|${service}`)?.available;
  }

  /** The Service a watched Endpoints / EndpointSlice belongs to; undefined for a slice without the label. */
  static serviceOf(kind: string, facts: K8sObjectFacts): string | undefined {
    return kind === 'Endpoints' ? facts.name : facts.labels?.[SERVICE_NAME_LABEL];
  }

  /** `raw` names the RawEvent (the same for a redelivery of it). */
  observe(cluster: string, kind: 'Endpoints' | 'EndpointSlice', facts: K8sObjectFacts, deleted: boolean, raw: string): EndpointSignal | undefined {
    const service = ServiceEndpoints.serviceOf(kind, facts);
    if (service === undefined || !facts.namespace) return undefined;
    const key = `${cluster}|${facts.namespace}|${service}`;
    let state = this.services.get(key);
    if (state?.said?.raw === raw) return state.said.signal;
    if (this.tracking) this.dirty.add(key);
    if (!state) this.services.set(key, (state = { slices: {} }));
    const sliceKey = facts.uid ?? facts.name;
    const before = kind === 'Endpoints' ? state.endpoints : this.sliceTotal(state);
    const ready = facts.readyEndpoints ?? 0;
    if (kind === 'Endpoints') {
      if (deleted) delete state.endpoints;
      else state.endpoints = ready;
    } else if (deleted) delete state.slices[sliceKey];
    else state.slices[sliceKey] = ready;
    if (state.endpoints === undefined && Object.keys(state.slices).length === 0) {
      this.services.delete(key);
      return undefined;
    }
    // A source disappearing (slices are replaced, the Endpoints object goes with its Service) is no news.
    if (deleted) return undefined;
    const now = kind === 'Endpoints' ? ready : (this.sliceTotal(state) ?? 0);
    if (state.available === undefined) {
      state.available = now > 0;
      return undefined;
    }
    const label = `Service ${facts.namespace}/${service}`;
    let signal: EndpointSignal | undefined;
    if (before !== undefined && before > 0 && now === 0 && state.available) {
      state.available = false;
      signal = { type: 'service_unavailable', key: 'endpoints:none', service, message: `${label} has no ready endpoints (was ${before})`, kubernetes: { reason: 'NoReadyEndpoints' } };
    } else if (now > 0 && !state.available && (before ?? 0) === 0) {
      state.available = true;
      signal = { type: 'service_restored', key: 'endpoints:restored', service, message: `${label} has ${now} ready endpoint${now === 1 ? '' : 's'} again`, kubernetes: { reason: 'EndpointsRestored' } };
    }
    if (signal) state.said = { raw, signal };
    return signal;
  }

  private sliceTotal(state: ServiceState): number | undefined {
    let total: number | undefined;
    for (const ready of Object.values(state.slices)) total = (total ?? 0) + ready;
    return total;
  }
}

/**
 * An endpoint signal as the transformer emits it, about its Service. `namespaceEnding`: the
 * Service's namespace is being deleted, so its last ready endpoint went on purpose: said, but
 * as planned (`lifecycle: planned`), which the outage patterns leave alone.
 */
export function endpointSignal(signal: EndpointSignal, namespace: string | undefined, namespaceEnding: boolean): Signal {
  const about = { kind: 'Service', name: signal.service, ...(namespace ? { namespace } : {}) };
  if (!namespaceEnding) return { ...signal, about };
  return {
    ...signal,
    about,
    message: `${signal.message} while namespace ${namespace ?? ''} is being deleted`,
    annotations: { ...signal.annotations, lifecycle: 'planned', 'lifecycle.reason': `namespace ${namespace ?? ''} deleted` },
  };
}
