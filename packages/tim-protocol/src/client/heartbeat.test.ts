import { startHeartbeat, type Heartbeat } from './heartbeat';
import { virtualTime } from './test-support/client-events';

function watched(intervalMs = 1000) {
  const time = virtualTime();
  const pingsAtMs: number[] = [];
  const silences: number[] = [];
  const heartbeat: Heartbeat = startHeartbeat({
    intervalMs,
    timers: time,
    sendPing: () => pingsAtMs.push(time.now()),
    onSilence: (silentMs) => silences.push(silentMs),
  });
  return { time, heartbeat, pingsAtMs, silences };
}

describe('startHeartbeat', () => {
  it('pings once per interval while frames keep arriving', () => {
    const { time, heartbeat, pingsAtMs, silences } = watched();
    for (let round = 0; round < 5; round += 1) {
      time.advance(1000);
      heartbeat.heard();
    }
    expect(pingsAtMs).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(silences).toEqual([]);
  });

  it('gives up exactly two intervals after the last frame, not before, and stops', () => {
    const { time, heartbeat, pingsAtMs, silences } = watched();
    time.advance(1500);
    heartbeat.heard();
    time.advance(1999);
    expect(silences).toEqual([]);
    time.advance(1);
    expect(silences).toEqual([2000]);
    expect(pingsAtMs).toEqual([1000, 2000, 3000]);
    expect(time.pendingCount()).toBe(0);
  });

  it('counts the silence from the start when nothing ever arrives', () => {
    const { time, silences } = watched(50);
    time.advance(99);
    expect(silences).toEqual([]);
    time.advance(1);
    expect(silences).toEqual([100]);
  });

  it('after a timer that fired far too late (a throttled tab), pings and waits one interval before giving up', () => {
    const { time, pingsAtMs, silences } = watched();
    time.jump(5000);
    time.advance(0);
    expect(silences).toEqual([]);
    expect(pingsAtMs).toEqual([5000]);
    time.advance(999);
    expect(silences).toEqual([]);
    time.advance(1);
    expect(silences).toEqual([2000]);
  });

  it('stop() leaves no timer behind', () => {
    const { time, heartbeat, pingsAtMs } = watched();
    heartbeat.stop();
    heartbeat.stop();
    time.advance(10_000);
    expect(time.pendingCount()).toBe(0);
    expect(pingsAtMs).toEqual([]);
  });
});
