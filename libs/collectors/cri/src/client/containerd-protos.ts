import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/**
 * Where tools/setup.d/45-containerd-api.sh puts containerd's API .proto files (from the
 * containerd API Go module): the package's own proto/ folder, next to src/ and dist/.
 */
export const DEFAULT_PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const API = 'github.com/containerd/containerd/api';

/** The files Tapio reads: the events and containers services, and every event type. */
const FILES = ['services/events/v1/events.proto', 'services/containers/v1/containers.proto', 'events/task.proto', 'events/container.proto', 'events/image.proto', 'events/sandbox.proto', 'events/snapshot.proto', 'events/content.proto', 'events/namespace.proto'].map(
  (file) => `${API}/${file}`,
);

const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

export interface ContainerdProtos {
  services: PackageDefinition;
  /** Decodes an event's Any payload by its type URL (`containerd.events.TaskOOM`); throws for a type the protos do not define. */
  decodeAny(typeUrl: string, value: Uint8Array): Record<string, unknown>;
}

/** Loads containerd's protos once: gRPC service definitions, and the same files for decoding Any payloads. */
export function loadContainerdProtos(protoDir = DEFAULT_PROTO_DIR): ContainerdProtos {
  if (!existsSync(join(protoDir, API, 'services/events/v1/events.proto'))) {
    throw new Error(`containerd API protos not found under ${protoDir}: run tools/setup.d/45-containerd-api.sh (it takes them from the containerd API Go module)`);
  }
  const services = loadSync(FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir] });
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(protoDir, target));
  root.loadSync(FILES, { keepCase: true });
  root.resolveAll();
  const types = new Map<string, protobuf.Type>();
  return {
    services,
    decodeAny(typeUrl, value) {
      // typeurl writes bare names ("containerd.events.TaskExit"); google's Any style has a host prefix.
      const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
      let type = types.get(name);
      if (!type) {
        const found = root.lookup(name);
        if (!(found instanceof protobuf.Type)) throw new Error(`unknown containerd event type "${typeUrl}"`);
        type = found;
        types.set(name, type);
      }
      const message = type.decode(value);
      return type.toObject(message, { longs: String, enums: String, defaults: true, bytes: String }) as Record<string, unknown>;
    },
  };
}
