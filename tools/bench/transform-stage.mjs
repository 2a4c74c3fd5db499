// The transform stage as the transform benchmarks drive it: one build's pipeline with the
// built-in transformers (the Kubernetes API transformer for the bench traffic), a fixed clock
// (the pipeline stamps processedAt, which the output digests would otherwise see move) and the
// durable state tracked as with a state store. Loaded from a checkout's built packages, so two
// builds can run side by side in one process (transform-ab.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const FIXED_NOW = Date.parse('2026-03-02T12:00:00Z');

export async function loadTransformStage(root) {
  const load = (path) => import(pathToFileURL(resolve(root, path)).href);
  const domain = await load('libs/domain/dist/index.js');
  const { Pipeline, seedMappingTransformers } = await load('libs/collectors/pipeline/dist/index.js');
  const { KubeApiTransformer } = await load('libs/collectors/kubeapi/dist/index.js');
  const { DeadLetterStore } = await load('libs/integrations/embedded/dist/index.js');
  const transformer = new KubeApiTransformer();
  transformer.durableState.restore([]);
  const builtIn = [...seedMappingTransformers, transformer];
  const deadLetters = new DeadLetterStore();
  const pipeline = new Pipeline({ transformers: builtIn, trusted: builtIn, deadLetters, cluster: 'bench', clock: { now: () => FIXED_NOW } });
  return {
    root,
    pipeline,
    transformer,
    deadLetters,
    /** The lines as a collector hands them on: parsed, validated, each line's depth bound noted (this build's domain). */
    wire(lines) {
      const batch = lines.map((line) => domain.RawEvent.parse(JSON.parse(line)));
      for (let index = 0; index < batch.length; index += 1) domain.noteDepthFromText(batch[index].data, lines[index], domain.MAX_DEPTH_LIMIT);
      return batch;
    },
  };
}
