/**
 * A structured JSON logger that takes only named, non-personal fields. There is deliberately no
 * way to log a request body, an event, or an error's message (messages can quote input): errors
 * are logged by name and stack frames only.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  requestId?: string;
  route?: string;
  status?: number;
  durationMs?: number;
  errorName?: string;
  code?: string;
  count?: number;
  failed?: number;
  kind?: string;
  topic?: string;
  eventId?: string;
  eventType?: string;
  [key: `id_${string}`]: string | undefined;
}

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields & { error?: unknown }): void;
}

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(`${line}\n`);

/** Tests and the local stack redirect log lines (e.g. to assert no personal data leaks). */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

/** Writes one raw line to the log sink (Embedded Metric Format lines: shared/runtime/metrics.ts). */
export function emitLine(line: string): void {
  sink(line);
}

export function createLogger(service: string): Logger {
  const threshold = order[(process.env.LOG_LEVEL as Level | undefined) ?? 'info'] ?? order.info;
  const write = (level: Level, message: string, fields?: LogFields & { error?: unknown }) => {
    if (order[level] < threshold) return;
    const { error, ...rest } = fields ?? {};
    const line: Record<string, unknown> = { level, service, message, time: new Date().toISOString(), ...rest };
    if (error !== undefined) line.error = describeError(error);
    sink(JSON.stringify(line));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Name and stack frames only: an error message may quote the input that caused it. */
function describeError(error: unknown): { name: string; frames?: string[] } {
  if (error instanceof Error) {
    const frames = (error.stack ?? '')
      .split('\n')
      .filter((l) => l.trimStart().startsWith('at '))
      .slice(0, 8)
      .map((l) => l.trim());
    return { name: error.name, frames };
  }
  return { name: typeof error };
}
