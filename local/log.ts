import { type LogSink, setLogSink } from '../shared/runtime/logger.ts';

/**
 * Readable local logs. The functions' structured JSON lines (which never carry bodies or personal
 * data) are reprinted as one short line each; the stack's own notices use the same shape.
 */
export interface LocalLog {
  info(message: string): void;
  warn(message: string): void;
  /** Puts the previous log sink back. */
  restore(): void;
}

export function createLocalLog(options: { quiet?: boolean; write?: (line: string) => void } = {}): LocalLog {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emit = (level: string, service: string, message: string, fields = '') => {
    if (options.quiet) return;
    const time = new Date().toISOString().slice(11, 19);
    write(`${time} ${level.padEnd(5)} ${service.padEnd(6)} ${message}${fields ? ` ${fields}` : ''}`);
  };
  const sink: LogSink = (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      emit('info', 'app', line);
      return;
    }
    const { level, service, message, time: _time, error, ...rest } = parsed;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    const described = (error ?? {}) as { name?: string; frames?: string[] };
    const errorName = described.name ? ` error=${described.name}${described.frames?.[0] ? ` (${described.frames[0]})` : ''}` : '';
    emit(String(level ?? 'info'), String(service ?? 'app'), String(message ?? ''), fields + errorName);
  };
  const previous = setLogSink(sink);
  return {
    info: (message) => emit('info', 'local', message),
    warn: (message) => emit('warn', 'local', message),
    restore: () => {
      setLogSink(previous);
    },
  };
}
