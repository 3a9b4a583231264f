import { ErrorFrame } from '@tim/protocol';
import { createSilentLogger } from '../../logger';
import { StoreUnavailableError } from '../../storage/store-unavailable';
import { toErrorFrame, wsErrors } from './ws-errors';

function recordingLogger() {
  const logger = createSilentLogger();
  const errors: Array<Record<string, unknown>> = [];
  jest.spyOn(logger, 'error').mockImplementation(((message: string, meta: Record<string, unknown>) => {
    errors.push({ message, ...meta });
    return logger;
  }) as never);
  return { logger, errors };
}

describe('toErrorFrame', () => {
  it('keeps the code, sentence and details of a refusal from the table, with the space, and logs nothing', () => {
    const { logger, errors } = recordingLogger();
    const frame = toErrorFrame(wsErrors.tooManyActivityFrames(3), { logger, connectionId: 'c1', spaceId: 'main' });
    expect(ErrorFrame.parse(frame)).toEqual({
      type: 'error',
      code: 'rate_limited',
      message: 'Too many activity frames; try again in 3 s.',
      spaceId: 'main',
      details: { retryAfterSeconds: 3 },
    });
    expect(errors).toEqual([]);
  });

  it('turns an unexpected failure into internal with a fixed sentence, logged once with its stack', () => {
    const { logger, errors } = recordingLogger();
    const frame = toErrorFrame(new Error('secret detail'), { logger, connectionId: 'c1' });
    expect(frame).toEqual({ type: 'error', code: 'internal', message: 'Something went wrong on our side.' });
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.error)).toContain('secret detail');
  });

  it('tells a peer to retry when the store is away', () => {
    const { logger } = recordingLogger();
    const frame = toErrorFrame(new StoreUnavailableError({ cause: new Error('ECONNREFUSED') }), {
      logger,
      connectionId: 'c1',
      spaceId: 'main',
    });
    expect(frame.code).toBe('unavailable');
  });
});
