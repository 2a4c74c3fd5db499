import { graphlib, layout } from '@dagrejs/dagre';
import { useMemo } from 'react';
import type { BlastNode, BlastRadius } from '../api/types.ts';
import { whyHref } from '../format/format.ts';

const NODE_W = 224;
const NODE_H = 40;

interface Placed {
  node: BlastNode;
  x: number;
  y: number;
}

/** Left to right in the order trouble travels: root, workload, pods, Services, Ingresses. */
function place(radius: BlastRadius) {
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 70, marginx: 4, marginy: 4 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of radius.nodes) graph.setNode(node.key, { width: NODE_W, height: NODE_H });
  for (const edge of radius.edges) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const placed = new Map<string, Placed>();
  for (const node of radius.nodes) {
    const at = graph.node(node.key);
    placed.set(node.key, { node, x: at.x, y: at.y });
  }
  const size = graph.graph();
  return { placed, width: Math.max(size.width ?? NODE_W, NODE_W), height: Math.max(size.height ?? NODE_H, NODE_H) };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The blast radius as a small graph; each resource links to its "why". */
export function BlastRadiusGraph({ radius }: { radius: BlastRadius }) {
  const { placed, width, height } = useMemo(() => place(radius), [radius]);
  if (radius.nodes.length <= 1) return <p className="muted">Tapio knows no resource that depends on the root cause.</p>;
  return (
    <figure className="blast">
      <svg viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: `${width}px` }} role="group" aria-label={`Blast radius: ${radius.nodes.length} resources`}>
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" className="arrow-head" />
          </marker>
        </defs>
        {radius.edges.map((edge) => {
          const from = placed.get(edge.from);
          const to = placed.get(edge.to);
          if (!from || !to) return null;
          return (
            <line key={`${edge.from}>${edge.to}`} x1={from.x + NODE_W / 2} y1={from.y} x2={to.x - NODE_W / 2} y2={to.y} className="edge" markerEnd="url(#arrow)">
              <title>{edge.relation}</title>
            </line>
          );
        })}
        {[...placed.values()].map(({ node, x, y }) => (
          <a key={node.key} href={`#${whyHref(node.entity)}`} className={`node role-${node.role}${node.symptom ? ' symptom' : ''}`}>
            <rect x={x - NODE_W / 2} y={y - NODE_H / 2} width={NODE_W} height={NODE_H} rx={5} />
            {/* One text, two lines: the link's accessible name is what it shows, with a space between kind and name. */}
            <text>
              <tspan x={x - NODE_W / 2 + 8} y={y - 4} className="node-kind">
                {node.entity.kind}
                {node.symptom ? ' · in trouble' : ''}
              </tspan>{' '}
              <tspan x={x - NODE_W / 2 + 8} y={y + 12} className="node-name">
                {clip(node.entity.name, 30)}
              </tspan>
            </text>
          </a>
        ))}
      </svg>
      {radius.morePods > 0 && <figcaption className="muted">and {radius.morePods} more pods not drawn</figcaption>}
    </figure>
  );
}
