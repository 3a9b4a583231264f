// Sums jest's --json results across packages into one line "N passed, N failed".
// A package whose results are missing, that ran no test, that skipped a test or whose suite
// failed to run counts as a failure: a run that proves nothing must not look green.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const extraIndex = args.indexOf('--extra-failures');
// Checks outside jest (typecheck, lint) that failed, each counted as one failed test.
const extraFailures = extraIndex === -1 ? 0 : Number(args.splice(extraIndex, 2)[1] ?? 0);
const packageDirs = args.filter((dir) => existsSync(join(dir, 'package.json')));
let passed = 0;
let failed = extraFailures;

for (const dir of packageDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const resultsFile = join(dir, 'jest-results.json');
  if (!existsSync(resultsFile)) {
    console.error(`${pkg.name}: no jest results (the test task did not run or crashed)`);
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  const problems = [];
  if (results.numTotalTests === 0) problems.push('ran no test');
  if (results.numPendingTests + results.numTodoTests > 0)
    problems.push(`${results.numPendingTests + results.numTodoTests} skipped`);
  if (results.numRuntimeErrorTestSuites > 0) problems.push(`${results.numRuntimeErrorTestSuites} suites failed to run`);
  if (problems.length > 0) failed += 1;
  console.error(
    `${pkg.name}: ${results.numPassedTests} passed, ${results.numFailedTests} failed` +
      (problems.length > 0 ? ` (${problems.join(', ')})` : ''),
  );
}

if (packageDirs.length === 0) {
  console.error('no packages found');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
