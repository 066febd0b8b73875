import { KeelError } from '../../core/index.js';

/** A node of the step graph: its name and the names it depends on. */
export interface DagNode {
  readonly name: string;
  readonly deps: readonly string[];
}

/**
 * The nodes in a topological order that keeps declaration order among independent nodes (Kahn's
 * algorithm, lowest declaration index first). A cycle fails with `KEEL_PIPELINE_CYCLE` listing it
 * (`a → b → c → a`). Every dependency must be a node (checked by the caller).
 */
export function topologicalOrder(nodes: readonly DagNode[], pipeline: string): string[] {
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  const indegree = nodes.map((n) => new Set(n.deps).size);
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    for (const d of new Set(n.deps)) {
      const list = dependents.get(d) ?? [];
      list.push(n.name);
      dependents.set(d, list);
    }
  }
  const ready = nodes.filter((_, i) => indegree[i] === 0).map((n) => index.get(n.name)!);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    const name = nodes[i]!.name;
    order.push(name);
    for (const dep of dependents.get(name) ?? []) {
      const j = index.get(dep)!;
      if (--indegree[j]! === 0) ready.push(j);
    }
  }
  if (order.length < nodes.length) {
    const cycle = findCycle(nodes.filter((n) => !order.includes(n.name)));
    throw new KeelError(
      'KEEL_PIPELINE_CYCLE',
      `Pipeline "${pipeline}" has a cycle: ${cycle.join(' → ')}. A step cannot depend on its own result; remove one of these inputs.`,
      { details: { pipeline, cycle } },
    );
  }
  return order;
}

/** One cycle among `nodes` (each of which lies on or leads into a cycle), first node repeated at the end. */
function findCycle(nodes: readonly DagNode[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 'open');
    path.push(name);
    for (const dep of byName.get(name)?.deps ?? []) {
      if (!byName.has(dep)) continue;
      if (state.get(dep) === 'open') {
        // Dependencies point backwards in time: report the cycle in execution order.
        return [...path.slice(path.indexOf(dep)), dep].reverse();
      }
      if (!state.has(dep)) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const n of nodes) {
    if (!state.has(n.name)) {
      const found = visit(n.name);
      if (found) return found;
    }
  }
  return nodes.map((n) => n.name);
}
