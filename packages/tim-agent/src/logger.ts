import winston from 'winston';

export type Logger = winston.Logger;

/**
 * JSON lines on stderr. At info and above the agent logs ids, nicks, counts and reasons:
 * never message bodies, prompts, tokens or keys.
 */
export function createLogger(options: { level?: string } = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
