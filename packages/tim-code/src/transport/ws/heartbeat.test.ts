import { createHeartbeat, type HeartbeatPeer } from './heartbeat';

function createPeer(options: { answers: boolean }) {
  const peer: HeartbeatPeer & { pings: number; missed: number } = {
    unansweredPings: 0,
    pings: 0,
    missed: 0,
    ping() {
      peer.pings += 1;
      if (options.answers) peer.unansweredPings = 0;
    },
    onHeartbeatMissed() {
      peer.missed += 1;
    },
  };
  return peer;
}

describe('createHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every watched peer once per interval, spread over the slices', () => {
    const heartbeat = createHeartbeat({ intervalMs: 1000, slices: 4 });
    const peers = Array.from({ length: 8 }, () => createPeer({ answers: true }));
    for (const peer of peers) heartbeat.watch(peer);

    jest.advanceTimersByTime(250);
    expect(peers.filter((peer) => peer.pings === 1)).toHaveLength(2);
    jest.advanceTimersByTime(750);
    expect(peers.map((peer) => peer.pings)).toEqual(Array(8).fill(1));
    jest.advanceTimersByTime(3000);
    expect(peers.map((peer) => peer.pings)).toEqual(Array(8).fill(4));
    expect(peers.every((peer) => peer.missed === 0)).toBe(true);
    heartbeat.stop();
  });

  it('gives up a peer after two unanswered pings, once, and keeps pinging the others', () => {
    const heartbeat = createHeartbeat({ intervalMs: 100, slices: 1 });
    const silent = createPeer({ answers: false });
    const alive = createPeer({ answers: true });
    heartbeat.watch(silent);
    heartbeat.watch(alive);

    jest.advanceTimersByTime(200);
    expect(silent).toMatchObject({ pings: 2, missed: 0 });
    jest.advanceTimersByTime(100);
    expect(silent).toMatchObject({ pings: 2, missed: 1 });
    jest.advanceTimersByTime(1000);
    expect(silent).toMatchObject({ pings: 2, missed: 1 });
    expect(alive).toMatchObject({ pings: 13, missed: 0 });
    heartbeat.stop();
  });

  it('stops pinging a peer that is unwatched, and everyone after stop', () => {
    const heartbeat = createHeartbeat({ intervalMs: 100, slices: 2 });
    const leaving = createPeer({ answers: true });
    const staying = createPeer({ answers: true });
    heartbeat.watch(leaving);
    heartbeat.watch(staying);
    heartbeat.unwatch(leaving);
    jest.advanceTimersByTime(200);
    expect([leaving.pings, staying.pings]).toEqual([0, 2]);
    heartbeat.stop();
    jest.advanceTimersByTime(1000);
    expect(staying.pings).toBe(2);
  });
});
