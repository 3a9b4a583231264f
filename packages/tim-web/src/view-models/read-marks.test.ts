import { TimClientError, type ReadMarkerResponse } from '@tim/protocol';
import { ReadMarks } from './read-marks';

function fakeClient(failFirst = 0) {
  const calls: Array<{ spaceId: string; updateId: number }> = [];
  let failures = failFirst;
  return {
    calls,
    client: {
      markRead: async (spaceId: string, updateId: number): Promise<ReadMarkerResponse> => {
        calls.push({ spaceId, updateId });
        if (failures > 0) {
          failures -= 1;
          throw new TimClientError('network', 'offline');
        }
        return { spaceId, readUpTo: updateId };
      },
    },
  };
}

describe('ReadMarks', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the last mark per space once the marks have gathered', async () => {
    const { client, calls } = fakeClient();
    const marks = new ReadMarks({ client, delayMs: 500 });
    marks.mark('main', 3);
    marks.mark('main', 5);
    marks.mark('side', 2);
    await jest.advanceTimersByTimeAsync(499);
    expect(calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([
      { spaceId: 'main', updateId: 5 },
      { spaceId: 'side', updateId: 2 },
    ]);
  });

  it('never sends a mark behind one sent or pending', async () => {
    const { client, calls } = fakeClient();
    const marks = new ReadMarks({ client, delayMs: 100 });
    marks.mark('main', 9);
    marks.mark('main', 4);
    await jest.advanceTimersByTimeAsync(100);
    marks.mark('main', 9);
    marks.mark('main', 7);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([{ spaceId: 'main', updateId: 9 }]);
  });

  it('tries a failed send again a few times, then gives up', async () => {
    const { client, calls } = fakeClient(5);
    const marks = new ReadMarks({ client, delayMs: 100, attempts: 3 });
    marks.mark('main', 4);
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    marks.mark('main', 4);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(4);
  });

  it('sends nothing after dispose', async () => {
    const { client, calls } = fakeClient();
    const marks = new ReadMarks({ client, delayMs: 100 });
    marks.mark('main', 4);
    marks.dispose();
    marks.mark('main', 5);
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
  });
});
