import winston from 'winston';
import type { LogFormat, LogLevel } from './config';

export type Logger = winston.Logger;

/**
 * JSON lines in production, one readable line per entry in development. Everything goes to
 * stderr so stdout stays for what scripts read (the listening line, a new agent token).
 * Callers log ids and counts, never keys, passwords or message content.
 */
export function createLogger(options: { level: LogLevel; format: LogFormat }): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(
          winston.format.timestamp(),
          winston.format.errors({ stack: true }),
          winston.format.json(),
        )
      : winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.errors({ stack: true }),
          winston.format.printf(({ timestamp, level, message, stack, ...meta }) => {
            const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level} ${String(message)}${extra}${stack === undefined ? '' : `\n${String(stack)}`}`;
          }),
        );
  return winston.createLogger({
    level: options.level,
    format,
    transports: [
      new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] }),
    ],
  });
}

/** For tests and embedding: a logger that drops everything. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
