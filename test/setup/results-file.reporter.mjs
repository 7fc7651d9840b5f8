// Writes jest's aggregated results to reports/jest-results.json on every run, so CI can print
// "N passed, N failed" from what jest itself counted (rather than parsing its console output).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default class ResultsFileReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = join(this.rootDir, 'reports');
    mkdirSync(dir, { recursive: true });
    const { numPassedTests, numFailedTests, numPendingTests, numTotalTests, numFailedTestSuites, numRuntimeErrorTestSuites } = results;
    writeFileSync(
      join(dir, 'jest-results.json'),
      JSON.stringify({ numPassedTests, numFailedTests, numPendingTests, numTotalTests, numFailedTestSuites, numRuntimeErrorTestSuites }, null, 2) + '\n',
    );
  }
}
