/**
 * npm run eval:when → npx tsx scripts/eval-when.ts
 * Prints per language total / exact / share of the booking subset of the Recognizers-Text DateTime specs,
 * writes tests/reports/when-failures-<lang>.txt and exits non-zero when a language is below 90 %.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../services/locale';
import { evaluateSpecs, failuresReport } from '../services/when/eval';

const BAR = 0.9;

function main(): number {
  const reportDir = path.join(__dirname, '..', 'tests', 'reports');
  fs.mkdirSync(reportDir, { recursive: true });
  let ok = true;
  for (const lang of ['zh', 'en'] as Locale[]) {
    const r = evaluateSpecs(lang);
    const file = path.join(reportDir, `when-failures-${lang}.txt`);
    fs.writeFileSync(file, failuresReport(r));
    const pass = r.share >= BAR;
    ok &&= pass;
    console.log(
      `${lang}: total ${r.total}, exact ${r.exact}, share ${(r.share * 100).toFixed(1)}% ` +
        `(excluded as past: ${r.excludedPast}, as lunar: ${r.excludedLunar}) ${pass ? 'OK' : `BELOW ${BAR * 100}%`} → ${path.relative(process.cwd(), file)}`,
    );
  }
  return ok ? 0 : 1;
}

process.exitCode = main();
