/**
 * npm run eval:understanding → npx tsx scripts/eval-understanding.ts
 * Scores `understand()` on the intent test set (tests/fixtures/understanding-cases.ts, tuned on)
 * and on the held-out set (tests/fixtures/understanding-heldout.ts, written before the recogniser
 * and never tuned on): size, score per language and per intent. Writes every failure to
 * tests/reports/understanding-failures.txt. Exits 1 when the tuned set is not fully passed; the
 * held-out score is reported as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { INTENTS } from '../services/understanding';
import { UNDERSTANDING_CASES } from '../tests/fixtures/understanding-cases';
import { HELDOUT_CASES } from '../tests/fixtures/understanding-heldout';
import { evaluate, failureLines, share, type Evaluation } from '../tests/support/understanding-check';

function table(name: string, e: Evaluation): string[] {
  const lines = [`${name}: ${e.overall.total} cases, ${share(e.overall)} passed`];
  lines.push(`  by language: ${[...e.byLocale.entries()].sort().map(([k, s]) => `${k} ${share(s)}`).join(', ')}`);
  lines.push('  by intent:');
  for (const intent of INTENTS) {
    const s = e.byIntent.get(intent);
    if (s) lines.push(`    ${intent.padEnd(14)} ${share(s)}`);
  }
  return lines;
}

function main(): number {
  const tuned = evaluate(UNDERSTANDING_CASES);
  const heldout = evaluate(HELDOUT_CASES);
  console.log([...table('intent test set (tuned)', tuned), '', ...table('held-out set (never tuned on)', heldout)].join('\n'));

  const reportDir = path.join(__dirname, '..', 'tests', 'reports');
  fs.mkdirSync(reportDir, { recursive: true });
  const file = path.join(reportDir, 'understanding-failures.txt');
  const tunedFailures = failureLines(tuned.results);
  const heldoutFailures = failureLines(heldout.results);
  fs.writeFileSync(
    file,
    [
      '# npm run eval:understanding — cases where understand() differs from the expectation',
      `# held-out set (written before the recogniser, never tuned on): ${share(heldout.overall)} passed`,
      '',
      ...(heldoutFailures.length ? heldoutFailures : ['(none)']),
      '',
      `# intent test set (tuned on): ${share(tuned.overall)} passed`,
      '',
      ...(tunedFailures.length ? tunedFailures : ['(none)']),
      '',
    ].join('\n'),
  );
  console.log(`\nfailures → ${path.relative(process.cwd(), file)}`);
  return tuned.overall.passed === tuned.overall.total ? 0 : 1;
}

process.exitCode = main();
