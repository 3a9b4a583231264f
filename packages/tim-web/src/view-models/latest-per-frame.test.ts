import { LatestPerFrame, type ScheduleFrame } from './latest-per-frame';

/** Frames drawn when the test says so. */
function frames(): { schedule: ScheduleFrame; draw: () => void; waiting: () => number } {
  let callbacks: Array<() => void> = [];
  return {
    schedule: (callback) => {
      callbacks.push(callback);
      return () => (callbacks = callbacks.filter((waiting) => waiting !== callback));
    },
    draw: () => {
      const due = callbacks;
      callbacks = [];
      for (const callback of due) callback();
    },
    waiting: () => callbacks.length,
  };
}

describe('LatestPerFrame', () => {
  it('shows only the last of the values pushed between two frames, once', () => {
    const frame = frames();
    const shown: number[] = [];
    const latest = new LatestPerFrame<number>((value) => shown.push(value), frame.schedule);
    latest.push(1);
    latest.push(2);
    latest.push(3);
    expect(frame.waiting()).toBe(1);
    expect(shown).toEqual([]);
    frame.draw();
    expect(shown).toEqual([3]);
    frame.draw();
    expect(shown).toEqual([3]);
  });

  it('asks for a new frame for a value pushed after one was shown', () => {
    const frame = frames();
    const shown: string[] = [];
    const latest = new LatestPerFrame<string>((value) => shown.push(value), frame.schedule);
    latest.push('a');
    frame.draw();
    latest.push('b');
    frame.draw();
    expect(shown).toEqual(['a', 'b']);
  });

  it('drops a waiting value when cancelled', () => {
    const frame = frames();
    const shown: string[] = [];
    const latest = new LatestPerFrame<string>((value) => shown.push(value), frame.schedule);
    latest.push('a');
    latest.cancel();
    frame.draw();
    expect(shown).toEqual([]);
    expect(frame.waiting()).toBe(0);
  });
});
