/** The part of a `ws` WebSocket the heartbeat uses. */
export interface HeartbeatSocket {
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
}

/** Pings a socket every `intervalMs`; after two pings without a pong, calls `onDead` once. */
export function startHeartbeat(socket: HeartbeatSocket, options: { intervalMs: number; onDead: () => void }): () => void {
  let unanswered = 0;
  socket.on('pong', () => {
    unanswered = 0;
  });
  const timer = setInterval(() => {
    if (unanswered >= 2) {
      clearInterval(timer);
      options.onDead();
      return;
    }
    unanswered += 1;
    try {
      socket.ping();
    } catch {
      // A socket that cannot be pinged is closing; its close event releases it.
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
