/** One test's result in vitest's JSON report. */
export interface AssertionResult {
  ancestorTitles?: string[];
  title: string;
  status: string;
}

/** One test file's result in vitest's JSON report. */
export interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults?: AssertionResult[];
}

/** The fields of vitest's JSON report the summary reads. */
export interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numTotalTests?: number;
  testResults?: FileResult[];
}

/** One entry of `vitest list --json`. */
export interface ListedTest {
  name: string;
  file: string;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** Files that failed without a failed test: not loaded, or a hook failed. */
  failedFiles: string[];
  /** Tests `vitest list` found with PostgreSQL on that the run did not report. */
  leftOut: number;
  /** "tests: N passed, N failed, N skipped" with what needs saying after it. */
  line: string;
}

export function summarize(
  report: VitestReport,
  options?: { pgOff?: boolean; listedWithPostgres?: ListedTest[] },
): Summary;
