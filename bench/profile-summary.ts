/**
 * Top frames of a V8 .cpuprofile (from BENCH_PROFILE=1): self time by function and by
 * package/file, and inclusive time of the project's own functions.
 * Run: npx tsx bench/profile-summary.ts bench/results/profiles/bot-postgresql.cpuprofile [top]
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
// Optional window in seconds from the profile's start: `… file 25 12.5-20` (see the timeline it prints).
const [fromS, toS] = process.argv[4] ? process.argv[4].split('-').map(Number) : [NaN, NaN];
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
{
  // Busy share per second (everything but idle), to find the load phases.
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const busy: number[] = [];
  const all: number[] = [];
  let t = 0;
  const keepS: number[] = [];
  const keepD: number[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const sec = Math.floor(t / 1e6);
    all[sec] = (all[sec] ?? 0) + (profile.timeDeltas[i] ?? 0);
    if (!idleIds.has(profile.samples[i])) busy[sec] = (busy[sec] ?? 0) + (profile.timeDeltas[i] ?? 0);
    if (Number.isNaN(fromS) || (t / 1e6 >= fromS && t / 1e6 < toS)) {
      keepS.push(profile.samples[i]);
      keepD.push(profile.timeDeltas[i] ?? 0);
    }
  }
  process.stdout.write(`busy % per second: ${all.map((a, i) => Math.round((100 * (busy[i] ?? 0)) / (a || 1))).join(' ')}\n`);
  profile.samples = keepS;
  profile.timeDeltas = keepD;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'nm:').replace(/^\/work\/main\//, '');
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkg = (url: string) => {
  const s = short(url);
  if (!s) return '(native/V8)';
  if (s.startsWith('nm:')) {
    const parts = s.slice(3).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (s.startsWith('node:')) return 'node core';
  return s.split('/').slice(0, 2).join('/');
};

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  const key = n.callFrame.url ? label(n) : n.callFrame.functionName || '(native)';
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + t);
  pkgSelf.set(pkg(n.callFrame.url), (pkgSelf.get(pkg(n.callFrame.url)) ?? 0) + t);
}

// Inclusive time of project functions (each sample counted once per distinct function on its stack).
const projInclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    if (!n.callFrame.url.startsWith('file://') || n.callFrame.url.includes('/node_modules/')) continue;
    const key = label(n);
    if (seen.has(key)) continue;
    seen.add(key);
    projInclusive.set(key, (projInclusive.get(key) ?? 0) + t);
  }
}

const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const show = (title: string, m: Map<string, number>, k: number) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k)) process.stdout.write(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
show('Self time by package/directory', pkgSelf, 15);
show('Self time by function', fnSelf, top);
show('Inclusive time, project functions', projInclusive, top);
