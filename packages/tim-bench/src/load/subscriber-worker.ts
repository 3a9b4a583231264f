import { exitWithParent } from '../child-registry';
import {
  WorkerCommand,
  type CollectCommand,
  type ConnectCommand,
  type WindowCommand,
  type WindowReport,
  type WorkerReply,
  type WorkerReport,
} from '../ipc';
import { createLatencyHistogram } from '../stats/latency-histogram';
import { createDeliveryChecker, type DeliveryChecker } from './delivery-checker';
import { decodeSendTimeMs, nowMs } from './message-content';
import { createStreamReception, createStreamReceptionCounts, type StreamReception } from './stream-reception';
import { openSubscriber, type SubscriberConnection } from './subscriber-connection';

/**
 * A subscriber worker: a child process holding its share of the subscribers. It connects
 * them when told, checks that each receives every update once and in order, and records the
 * latency carried in each message's content. Of streaming messages it folds each subscriber's
 * text, times every token as it arrives, and checks the text against the final message.
 */
interface Subscriber {
  spaceId: string;
  /** Present when this subscriber reads the stream frames (every `readStreamsEvery`-th one). */
  streams?: StreamReception;
  checker?: DeliveryChecker;
  /** The update id after which this subscriber has everything (Infinity until collection). */
  finalId: number;
  isDrained: boolean;
  connection?: SubscriberConnection;
}

function runWorker(): void {
  const subscribers: Subscriber[] = [];
  let histogram = createLatencyHistogram();
  /** Deliveries before the last reset: the warm-up's, not reported again. */
  let deliveriesBeforeReset = 0;
  const totals = { presenceFrames: 0, otherFrames: 0, unexpectedCloses: 0, lastDeliveryAtMs: Number.NaN, drained: 0 };
  let onAllDrained: (() => void) | undefined;
  let cpuAtConnected = process.cpuUsage();
  const streamCounts = createStreamReceptionCounts();
  /** The streaming scenario's measured window: stream frames, bytes and append latencies in it. */
  const streamWindow = { isOpen: false, openedAtMs: nowMs(), cpuAtOpen: process.cpuUsage(), streamFrames: 0, bytes: 0 };
  const recordAppendLatency = (latencyMs: number): void => {
    if (streamWindow.isOpen) histogram.record(latencyMs);
  };

  const reply = (message: WorkerReply): void => {
    process.send?.(message);
  };

  const markDrained = (subscriber: Subscriber): void => {
    if (subscriber.isDrained || subscriber.checker?.hasAllUpTo(subscriber.finalId) !== true) return;
    subscriber.isDrained = true;
    totals.drained += 1;
    if (totals.drained === subscribers.length) onAllDrained?.();
  };

  const connect = async (command: ConnectCommand): Promise<void> => {
    const startedMs = nowMs();
    let next = 0;
    let failed = 0;
    let firstError: string | undefined;
    const lane = async (): Promise<void> => {
      while (next < command.subscribers.length) {
        const position = next;
        next += 1;
        const spec = command.subscribers[position];
        const url = command.urls[position % command.urls.length];
        if (spec === undefined || url === undefined) continue;
        const readsStreams = position % command.readStreamsEvery === 0;
        const subscriber: Subscriber = {
          spaceId: spec.spaceId,
          streams: readsStreams
            ? createStreamReception({ counts: streamCounts, onLatency: recordAppendLatency })
            : undefined,
          finalId: Number.POSITIVE_INFINITY,
          isDrained: false,
        };
        try {
          subscriber.connection = await openSubscriber({
            clientKind: command.clientKind,
            url,
            spec,
            readsStreams,
            timeoutMs: command.timeoutMs,
            events: {
              onSubscribed: (headId) => {
                subscriber.checker = createDeliveryChecker(headId);
              },
              onUpdate: ({ updateId, content, streamId }) => {
                if (subscriber.checker === undefined) {
                  totals.otherFrames += 1;
                  return;
                }
                if (!subscriber.checker.accept(updateId)) return;
                const receivedMs = nowMs();
                // A streamed message carries no send time: its tokens were timed as they came.
                if (streamId === undefined) histogram.record(receivedMs - decodeSendTimeMs(content));
                else subscriber.streams?.onFinal(streamId, content);
                totals.lastDeliveryAtMs = receivedMs;
                markDrained(subscriber);
              },
              onFrame: (bytes) => {
                if (streamWindow.isOpen) streamWindow.bytes += bytes;
              },
              onStream: (delta) => {
                if (streamWindow.isOpen) streamWindow.streamFrames += 1;
                if (delta !== undefined) subscriber.streams?.onDelta(delta, nowMs());
              },
              onStreamEnd: (streamId, hasFinalMessage) => {
                subscriber.streams?.onEnd(streamId, hasFinalMessage);
              },
              onPresence: () => {
                totals.presenceFrames += 1;
              },
              onOther: () => {
                totals.otherFrames += 1;
              },
              onUnexpectedClose: () => {
                totals.unexpectedCloses += 1;
              },
            },
          });
          subscribers.push(subscriber);
        } catch (err) {
          failed += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(command.concurrency, command.subscribers.length) }, lane));
    cpuAtConnected = process.cpuUsage();
    reply({ type: 'connected', connected: subscribers.length, failed, firstError, elapsedMs: nowMs() - startedMs });
  };

  const collect = async (command: CollectCommand): Promise<void> => {
    totals.drained = 0;
    for (const subscriber of subscribers) {
      subscriber.isDrained = false;
      subscriber.finalId = command.finalIds[subscriber.spaceId] ?? 0;
      markDrained(subscriber);
    }
    if (totals.drained < subscribers.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, command.timeoutMs);
        onAllDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      onAllDrained = undefined;
    }
    reply({ type: 'collected', report: buildReport() });
    if (command.resetAfter) {
      histogram = createLatencyHistogram();
      deliveriesBeforeReset = receivedSoFar();
      cpuAtConnected = process.cpuUsage();
    }
  };

  const windowCommand = (command: WindowCommand): void => {
    const report: WindowReport = {
      subscribers: subscribers.length,
      readingStreams: subscribers.filter((subscriber) => subscriber.streams !== undefined).length,
      streamFrames: streamWindow.streamFrames,
      bytes: streamWindow.bytes,
      histogram: histogram.toPairs(),
      maxLatencyMs: histogram.maxMs,
      elapsedMs: nowMs() - streamWindow.openedAtMs,
      cpuMicros: cpuMicrosSince(streamWindow.cpuAtOpen),
    };
    reply({ type: 'window', report });
    streamWindow.isOpen = command.action === 'open';
    if (!streamWindow.isOpen) return;
    histogram = createLatencyHistogram();
    Object.assign(streamWindow, { openedAtMs: nowMs(), cpuAtOpen: process.cpuUsage(), streamFrames: 0, bytes: 0 });
  };

  const receivedSoFar = (): number =>
    subscribers.reduce((sum, { checker }) => sum + (checker?.counts.received ?? 0), 0);

  const buildReport = (): WorkerReport => {
    const report: WorkerReport = {
      subscribers: subscribers.length,
      deliveries: receivedSoFar() - deliveriesBeforeReset,
      duplicates: 0,
      gaps: 0,
      late: 0,
      lost: 0,
      undrained: subscribers.length - totals.drained,
      unexpectedCloses: totals.unexpectedCloses,
      presenceFrames: totals.presenceFrames,
      otherFrames: totals.otherFrames,
      histogram: histogram.toPairs(),
      maxLatencyMs: histogram.maxMs,
      lastDeliveryAtMs: totals.lastDeliveryAtMs,
      cpuMicros: cpuMicrosSince(cpuAtConnected),
      streams: {
        ...streamCounts,
        held: subscribers.reduce((sum, subscriber) => sum + (subscriber.streams?.held ?? 0), 0),
      },
    };
    for (const { checker, finalId } of subscribers) {
      if (checker === undefined) continue;
      report.duplicates += checker.counts.duplicates;
      report.gaps += checker.counts.gaps;
      report.late += checker.counts.late;
      report.lost += checker.lostUpTo(finalId);
    }
    return report;
  };

  const handle = async (raw: unknown): Promise<void> => {
    const command = WorkerCommand.parse(raw);
    switch (command.type) {
      case 'connect':
        return connect(command);
      case 'collect':
        return collect(command);
      case 'window':
        return windowCommand(command);
      case 'close':
        for (const subscriber of subscribers) subscriber.connection?.close();
        process.exit(0);
    }
  };

  process.on('message', (raw) => {
    handle(raw).catch((err: unknown) =>
      reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}

function cpuMicrosSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return user + system;
}

exitWithParent();
runWorker();
