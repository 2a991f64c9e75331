import type { LoggerService, LogLevel } from '@nestjs/common';
import { RequestContext } from './request-context';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Structured JSON logs, one line each, carrying the correlation id of the request or
 * event being handled. Never pass personal data (names, contact details) to it.
 */
export class JsonLogger implements LoggerService {
  private readonly minLevel: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'log',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.minLevel = LEVELS.indexOf(level);
  }

  log(message: unknown, ...rest: unknown[]): void { this.emit('log', message, rest); }
  error(message: unknown, ...rest: unknown[]): void { this.emit('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]): void { this.emit('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]): void { this.emit('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]): void { this.emit('verbose', message, rest); }
  fatal(message: unknown, ...rest: unknown[]): void { this.emit('fatal', message, rest); }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS.indexOf(level) < this.minLevel) return;
    // Nest passes the context name last; an Error or stack may come before it.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(context ? { context } : {}),
      ...RequestContext.current(),
    };
    if (message instanceof Error) {
      line.msg = message.message;
      line.err = { name: message.name, stack: message.stack };
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, message);
    } else {
      line.msg = String(message);
    }
    for (const extra of args) {
      if (extra instanceof Error) line.err = { name: extra.name, message: extra.message, stack: extra.stack };
      else if (typeof extra === 'string') line.stack = extra;
      else if (extra && typeof extra === 'object') Object.assign(line, extra);
    }
    this.write(JSON.stringify(line));
  }
}
