/**
 * `npm run fault-matrix`: the fault matrix table in README.md, generated from vitest's JSON report
 * (CI writes test-results/vitest.json; locally `npm run test:faults` writes it for test/faults only).
 *
 * Rows are paths (`describe('fault: <path>')`), columns are failures: a test title starts with the
 * failure (`<failure>[: detail] → <outcome>`). A cell shows ✓ and the outcomes its passing tests
 * assert, "✗ failed" when any of them failed, and "—" when no test covers it. The table replaces
 * what is between `<!-- fault-matrix:start -->` and `<!-- fault-matrix:end -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The columns, in order; a title may name a variant that maps to one of them. */
export const failures = [
  'DynamoDB unavailable',
  'conditional-check race',
  'SNS publish error',
  'SES throttling',
  'SES suppression',
  'SMS failure',
  'Scheduler error',
  'poison record',
  'Lambda timeout',
  'timer fired twice',
  'timer fired late',
  'duplicate delivery',
  'DLQ alarm',
] as const;
const variants: Record<string, (typeof failures)[number]> = { 'poison stream record': 'poison record' };

/** The rows, in order (paths without a test of theirs are left out; unknown ones come last). */
export const paths = [
  'escalation webhook',
  'outbox relay',
  'escalation email',
  'escalation sms',
  'escalation timeout',
  'trustee mail',
  'heartbeat',
  'wellbeing alert',
  'session reminder',
  'check-in send',
  'member email',
  'session email',
];

/** What a passing test's outcome says, in the matrix's short words. */
const outcomes: [RegExp, string][] = [
  [/\b(503|4\d\d)\b/, 'refused'],
  [/retried|re-run|retry/i, 'retried'],
  [/DLQ|dead-letter/, 'DLQ+alarm'],
  [/republishes|republished/i, 'republished'],
  [/filtered|not sent|nothing moves|does not move|only the missing|never dead-lettered/i, 'not resent'],
  [/at-least-once/i, 'at-least-once'],
  [/(?<!least-)once|not two/i, 'once'],
  [/timeout <|SMS instead/i, 'ok'],
];

interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
}
export interface VitestReport {
  testResults: { assertionResults: AssertionResult[] }[];
}

export interface Cell {
  passed: number;
  failed: number;
  words: Set<string>;
}

export function parseTitle(title: string): { failure: (typeof failures)[number]; outcome: string } | undefined {
  const [head = '', ...rest] = title.split(' → ');
  // The longest label the title starts with ("duplicate delivery of the same SQS message" → "duplicate delivery").
  const labels = [...failures, ...Object.keys(variants)].sort((a, b) => b.length - a.length);
  const label = labels.find((l) => head === l || head.startsWith(`${l}:`) || head.startsWith(`${l} `));
  if (!label) return undefined;
  return { failure: variants[label] ?? (label as (typeof failures)[number]), outcome: rest.join(' → ') };
}

export function collect(report: VitestReport): Map<string, Map<string, Cell>> {
  const rows = new Map<string, Map<string, Cell>>();
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      const group = test.ancestorTitles.find((t) => t.startsWith('fault: '));
      const parsed = parseTitle(test.title);
      if (!group || !parsed) continue;
      const path = group.slice('fault: '.length);
      const row = rows.get(path) ?? new Map<string, Cell>();
      rows.set(path, row);
      const cell = row.get(parsed.failure) ?? { passed: 0, failed: 0, words: new Set<string>() };
      row.set(parsed.failure, cell);
      if (test.status === 'failed') cell.failed++;
      else if (test.status === 'passed') {
        cell.passed++;
        for (const [pattern, word] of outcomes) if (pattern.test(parsed.outcome)) cell.words.add(word);
      }
    }
  }
  return rows;
}

function cellText(cell: Cell | undefined): string {
  if (!cell || cell.passed + cell.failed === 0) return '—';
  if (cell.failed) return '✗ failed';
  const order = outcomes.map(([, w]) => w);
  const words = [...cell.words].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const shown = words.length > 1 ? words.filter((w) => w !== 'ok') : words;
  return `✓ ${shown.join(', ') || 'ok'}`;
}

export function renderMatrix(report: VitestReport): string {
  const rows = collect(report);
  const ordered = [...paths.filter((p) => rows.has(p)), ...[...rows.keys()].filter((p) => !paths.includes(p))];
  const total = [...rows.values()].flatMap((r) => [...r.values()]).reduce((n, c) => n + c.passed + c.failed, 0);
  const failed = [...rows.values()].flatMap((r) => [...r.values()]).reduce((n, c) => n + c.failed, 0);
  const lines = [
    `| path | ${failures.join(' | ')} |`,
    `| --- | ${failures.map(() => ':---:').join(' | ')} |`,
    ...ordered.map((path) => `| ${path} | ${failures.map((f) => cellText(rows.get(path)?.get(f))).join(' | ')} |`),
    '',
    `${total} tests (test/faults/), ${failed} failed. ✓ = every test of the cell passed, with what they assert: ` +
      '*once* (delivered or acted on exactly once), *retried* (then delivered), *DLQ+alarm* (parked in a ' +
      "dead-letter queue whose alarm fires), *republished* (the relay gave up; the operator's `outbox republish` " +
      'published it again), *not resent* (nothing sent twice or to a bounced address), ' +
      '*refused* (the caller is told to retry), *at-least-once* (a worker that dies between SES accepting ' +
      "and the delivery being recorded sends again after the claim's lease: a duplicate rather than a loss); ✗ failed = a test of the cell failed; — = not covered or not applicable.",
  ];
  return lines.join('\n');
}

export const START = '<!-- fault-matrix:start -->';
export const END = '<!-- fault-matrix:end -->';

export function replaceBetweenMarkers(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const reportPath = resolve(process.argv[2] ?? 'test-results/vitest.json');
  const readmePath = resolve(process.argv[3] ?? 'README.md');
  let report: VitestReport;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport;
  } catch {
    console.error(`No vitest JSON report at ${reportPath}: run \`npm run test:faults\` (or CI's full run) first.`);
    process.exit(2);
  }
  const table = renderMatrix(report);
  writeFileSync(readmePath, replaceBetweenMarkers(readFileSync(readmePath, 'utf8'), table));
  console.log(table);
}
