#!/usr/bin/env node
// `npm test`: runs Jest, then prints the plain `N passed, N failed` line that CI reads.
// Extra arguments go to Jest (`npm test -- tests/booking`).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const resultsFile = path.join(os.tmpdir(), `aftercare-jest-${process.pid}.json`);
// jest's exports map hides bin/: find it beside the package's main file.
const jestBin = path.join(path.dirname(require.resolve('jest', { paths: [root] })), '..', 'bin', 'jest.js');
const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  // PGlite loads its WebAssembly through dynamic import(), which Jest's VM only allows with this flag.
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim() },
});

let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
try {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + (results.numTodoTests || 0);
  // A suite that fails to load has no failed tests of its own: count it, or CI would see green.
  suitesFailed = results.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')).length;
  fs.unlinkSync(resultsFile);
} catch {
  failed = Math.max(failed, 1);
}
const engine = process.env.TEST_DATABASE_URL ? 'postgresql' : 'embedded';
console.log(`(database: ${engine}${suitesFailed ? `; ${suitesFailed} suite(s) failed to run` : ''})`);
console.log(`${passed} passed, ${failed + suitesFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed + suitesFailed === 0 ? 0 : 1);
