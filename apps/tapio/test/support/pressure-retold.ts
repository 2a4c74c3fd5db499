import type { RecordedLine } from './recording-variants.js';

/** What the kubelet says about memory pressure, and what it says about PID pressure instead. */
const MEMORY_TO_PIDS: ReadonlyArray<readonly [string, string]> = [
  ['MemoryPressure', 'PIDPressure'],
  ['KubeletHasSufficientMemory', 'KubeletHasSufficientPID'],
  ['KubeletHasInsufficientMemory', 'KubeletHasInsufficientPID'],
  ['NodeHasSufficientMemory', 'NodeHasSufficientPID'],
  ['NodeHasInsufficientMemory', 'NodeHasInsufficientPID'],
  ['kubelet has sufficient memory available', 'kubelet has sufficient PID available'],
  ['kubelet has insufficient memory available', 'kubelet has insufficient PID available'],
  ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure'],
  ['Attempting to reclaim memory', 'Attempting to reclaim pids'],
];

/** The kubelet's memory eviction message; its PID one names the resource and the threshold, no container's figure. */
const MEMORY_EVICTION = /The node was low on resource: memory\. Threshold quantity: [^,]+, available: [^.]+\.(?: Container \S+ was using \S+, request is \S+, has larger consumption of memory\.)* ?/g;

/**
 * A memory-pressure recording told as PID pressure: the Node condition, its Events and taint, the
 * kubelet's reclaim and eviction messages (which for pids carry no figure). The same incident a
 * fork loop instead of a memory leak would have made, with the same pods, releases and order.
 */
export function asPidPressure(lines: readonly RecordedLine[]): RecordedLine[] {
  return lines.map((line) => {
    let text = JSON.stringify(line);
    for (const [memory, pids] of MEMORY_TO_PIDS) text = text.split(memory).join(pids);
    text = text.replace(MEMORY_EVICTION, 'The node was low on resource: pids. Threshold quantity: 1000, available: 812. ');
    return JSON.parse(text) as RecordedLine;
  });
}
