import { startHealthWatch } from './health-watch';
import { virtualTime } from './test-support/client-events';

function watched({ isReplayDone = true } = {}) {
  const time = virtualTime();
  const replay = { isDone: isReplayDone };
  const healthyAtMs: number[] = [];
  const watch = startHealthWatch({
    healthyAfterMs: 1000,
    timers: time,
    isReplayDone: () => replay.isDone,
    onHealthy: () => healthyAtMs.push(time.now()),
  });
  return { time, replay, watch, healthyAtMs };
}

describe('startHealthWatch', () => {
  it('proves a connection whose replay is done healthy at healthyAfterMs, not before, and once', () => {
    const { time, watch, healthyAtMs } = watched();
    watch.replayProgressed();
    time.advance(999);
    expect(healthyAtMs).toEqual([]);
    time.advance(1);
    watch.replayProgressed();
    time.advance(10_000);
    expect(healthyAtMs).toEqual([1000]);
    expect(time.pendingCount()).toBe(0);
  });

  it('past healthyAfterMs, waits for the replay to be done', () => {
    const { time, replay, watch, healthyAtMs } = watched({ isReplayDone: false });
    time.advance(5000);
    watch.replayProgressed();
    expect(healthyAtMs).toEqual([]);
    replay.isDone = true;
    time.advance(500);
    watch.replayProgressed();
    expect(healthyAtMs).toEqual([5500]);
  });

  it('never proves a connection whose replay is not done', () => {
    const { time, watch, healthyAtMs } = watched({ isReplayDone: false });
    time.advance(60_000);
    watch.replayProgressed();
    expect(healthyAtMs).toEqual([]);
  });

  it('stop() leaves no timer behind and proves nothing after it', () => {
    const { time, watch, healthyAtMs } = watched();
    watch.stop();
    watch.stop();
    expect(time.pendingCount()).toBe(0);
    time.advance(10_000);
    watch.replayProgressed();
    expect(healthyAtMs).toEqual([]);
  });
});
