import * as grpc from '@grpc/grpc-js';
import type { ContainerdProtos } from './containerd-protos.js';

/** containerd's event envelope (containerd.types.Envelope), as grpc-js decodes it. */
export interface Envelope {
  timestamp?: { seconds?: string; nanos?: number } | null;
  namespace: string;
  topic: string;
  event?: { type_url: string; value: Buffer } | null;
}

export interface ContainerRecord {
  id: string;
  labels: Record<string, string>;
  image: string;
}

type ServiceClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;
type ServiceConstructor = new (address: string, credentials: grpc.ChannelCredentials) => ServiceClient;

function service(definition: grpc.GrpcObject, path: string): ServiceConstructor {
  let node: unknown = definition;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`containerd protos define no service ${path}`);
  return node as ServiceConstructor;
}

/** containerd's Events and Containers services over its unix socket. */
export class ContainerdClient {
  private readonly events: ServiceClient;
  private readonly containers: ServiceClient;

  constructor(
    readonly address: string,
    protos: ContainerdProtos,
  ) {
    const definition = grpc.loadPackageDefinition(protos.services);
    const target = address.startsWith('unix:') ? address : `unix://${address}`;
    const credentials = grpc.credentials.createInsecure();
    this.events = new (service(definition, 'containerd.services.events.v1.Events'))(target, credentials);
    this.containers = new (service(definition, 'containerd.services.containers.v1.Containers'))(target, credentials);
  }

  /** Resolves once containerd accepts connections; rejects with the reason after timeoutMs. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.events.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve())));
  }

  /** The event stream; containerd filters by `namespace==x` (any filter matching passes). */
  subscribe(filters: string[]): grpc.ClientReadableStream<Envelope> {
    return (this.events['Subscribe'] as (request: unknown) => grpc.ClientReadableStream<Envelope>)({ filters });
  }

  /** A container's record, or undefined when containerd no longer knows it. */
  getContainer(namespace: string, id: string): Promise<ContainerRecord | undefined> {
    const metadata = new grpc.Metadata();
    metadata.set('containerd-namespace', namespace);
    return new Promise((resolve, reject) => {
      (this.containers['Get'] as (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { container?: ContainerRecord }) => void) => void)(
        { id },
        metadata,
        { deadline: Date.now() + 5000 },
        (error, response) => {
          if (error?.code === grpc.status.NOT_FOUND) resolve(undefined);
          else if (error) reject(error);
          else resolve(response?.container);
        },
      );
    });
  }

  close(): void {
    this.events.close();
    this.containers.close();
  }
}
