// Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time,
// and the most inclusive time, as shares of the sampled time. Used with profile-pipeline.ts.
//
//   node bench/src/profile-summary.mjs /tmp/prof/CPU.*.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2).filter((argument) => argument.endsWith('.cpuprofile'));
const topIndex = process.argv.indexOf('--top');
const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 30;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map();
  for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);
  const total = profile.samples.length;
  const label = (node) => {
    const frame = node.callFrame;
    const where = frame.url
      ? `${frame.url.replace(/^.*\/(packages|plugins|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    return `${frame.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const node = nodes.get(id);
    self.set(label(node), (self.get(label(node)) ?? 0) + count);
    const seen = new Set();
    for (let current = id; current !== undefined; current = parent.get(current)) {
      const name = label(nodes.get(current));
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  const print = (title, map) => {
    console.log(`\n${title} (${total} samples)`);
    for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${((100 * count) / total).toFixed(1).padStart(6)}%  ${name}`);
  };
  console.log(`== ${file}`);
  print('self', self);
  print('inclusive', inclusive);
}
