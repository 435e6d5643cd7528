/**
 * What grew between two V8 heap snapshots (.heapsnapshot, as written by
 * `--heapsnapshot-signal` or the inspector): objects grouped by kind and
 * constructor (strings, code and arrays each as one group), with the change
 * in count and in shallow size. Something that grows without bound shows as
 * a group whose count keeps rising from one snapshot to the next.
 *
 *   node dist/bench/heap-diff.js first.heapsnapshot last.heapsnapshot [top]
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface HeapGroup {
  readonly group: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

export interface HeapDiff {
  readonly totalBefore: number;
  readonly totalAfter: number;
  /** Largest changes in size first. */
  readonly groups: HeapGroup[];
}

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

type Tally = Map<string, { count: number; bytes: number }>;

/** Shallow size and count per group. */
export function tallySnapshot(file: string): { total: number; groups: Tally } {
  const { snapshot, nodes, strings } = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = snapshot.meta.node_types[0];
  const groups: Tally = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const group = groupOf(types[nodes[i + typeAt]!]!, strings[nodes[i + nameAt]!]!);
    const bytes = nodes[i + sizeAt]!;
    const entry = groups.get(group) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    groups.set(group, entry);
    total += bytes;
  }
  return { total, groups };
}

function groupOf(type: string, name: string): string {
  if (type.endsWith('string')) return '(strings)';
  if (type === 'code') return '(compiled code)';
  if (type === 'array') return `(array) ${name.slice(0, 40)}`;
  if (type === 'object' || type === 'closure' || type === 'native') return `${type} ${name.slice(0, 60)}`;
  return `(${type})`;
}

export function heapDiff(before: string, after: string): HeapDiff {
  const a = tallySnapshot(before);
  const b = tallySnapshot(after);
  const groups = [...new Set([...a.groups.keys(), ...b.groups.keys()])].map((group): HeapGroup => {
    const x = a.groups.get(group);
    const y = b.groups.get(group);
    return { group, countBefore: x?.count ?? 0, countAfter: y?.count ?? 0, bytesBefore: x?.bytes ?? 0, bytesAfter: y?.bytes ?? 0 };
  });
  groups.sort((p, q) => Math.abs(q.bytesAfter - q.bytesBefore) - Math.abs(p.bytesAfter - p.bytesBefore));
  return { totalBefore: a.total, totalAfter: b.total, groups };
}

export function heapDiffReport(diff: HeapDiff, top = 15): string[] {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const kb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${Math.round(bytes / 1024)}`;
  const lines = [
    `Heap (shallow sizes): ${mb(diff.totalBefore)} MB → ${mb(diff.totalAfter)} MB`,
    '',
    '| group | count | change | KB | change KB |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const g of diff.groups.slice(0, top)) {
    const dc = g.countAfter - g.countBefore;
    lines.push(`| ${g.group.replaceAll('|', '\\|')} | ${g.countAfter} | ${dc >= 0 ? '+' : ''}${dc} | ${Math.round(g.bytesAfter / 1024)} | ${kb(g.bytesAfter - g.bytesBefore)} |`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [before, after, top] = process.argv.slice(2);
  if (before === undefined || after === undefined) {
    process.stderr.write('usage: node dist/bench/heap-diff.js first.heapsnapshot last.heapsnapshot [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${heapDiffReport(heapDiff(before, after), Number(top ?? 15)).join('\n')}\n`);
}
