import { describe, expect, it } from 'vitest';
import { END, parseTitle, renderMatrix, replaceBetweenMarkers, START, type VitestReport } from './matrix.ts';

const report = (tests: { path: string; title: string; status: 'passed' | 'failed' | 'skipped' }[]): VitestReport => ({
  testResults: [
    { assertionResults: tests.map((t) => ({ ancestorTitles: [`fault: ${t.path}`], title: t.title, status: t.status })) },
  ],
});

describe('the fault matrix generator', () => {
  it('reads the failure from the start of a title and the outcome after the arrow', () => {
    expect(parseTitle('SES throttling: on every receive → DLQ with alarm')).toEqual({
      failure: 'SES throttling',
      outcome: 'DLQ with alarm',
    });
    expect(parseTitle('poison stream record → relay DLQ')?.failure).toBe('poison record');
    expect(parseTitle('something else → ok')).toBeUndefined();
  });

  it('a cell is ✓ with its outcomes, "✗ failed" if any test failed, "—" when not covered', () => {
    const table = renderMatrix(
      report([
        { path: 'escalation email', title: 'SES throttling → retried, delivered once', status: 'passed' },
        { path: 'escalation email', title: 'SES throttling: always → DLQ with alarm', status: 'passed' },
        { path: 'escalation email', title: 'SMS failure → retried, delivered once', status: 'failed' },
        { path: 'member email', title: 'duplicate delivery → delivered once', status: 'passed' },
      ]),
    );
    const row = (path: string) =>
      table
        .split('\n')
        .find((l) => l.startsWith(`| ${path} |`))!
        .split(' | ');
    const header = table.split('\n')[0]!.split(' | ');
    const col = (name: string) => header.indexOf(name);
    expect(row('escalation email')[col('SES throttling')]).toBe('✓ retried, DLQ+alarm, once');
    expect(row('escalation email')[col('SMS failure')]).toBe('✗ failed');
    expect(row('escalation email')[col('Lambda timeout')]).toBe('—');
    expect(row('member email')[col('duplicate delivery')]).toBe('✓ once');
    expect(table.indexOf('| escalation email |')).toBeLessThan(table.indexOf('| member email |'));
  });

  it('replaces only what is between the markers, and refuses a README without them', () => {
    const readme = `# x\n${START}\nold\n${END}\nafter\n`;
    expect(replaceBetweenMarkers(readme, 'new')).toBe(`# x\n${START}\nnew\n${END}\nafter\n`);
    expect(() => replaceBetweenMarkers('# x', 'new')).toThrow(/markers/);
  });
});
