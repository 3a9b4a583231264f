import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The app's Prometheus metrics, served at /metrics. */
export interface Metrics {
  /** Served at /metrics; holds the metrics below, the gauges and the default process metrics. */
  registry: Registry;
  messagesAccepted: Counter;
  updatesDelivered: Counter;
  slowConsumerCloses: Counter;
  presenceSweeps: Counter;
  /** Labelled with the limit's name. */
  rateLimited: Counter<'limit'>;
  sendLatency: Histogram;
  /** HTTP requests whose client went away before its body arrived. */
  requestsAborted: Counter;
  /** Labelled with how the stream ended. */
  streamsEnded: Counter<'reason'>;
  /** Edits, deletes and reactions stored, labelled with the kind (edited, deleted, reaction). */
  messageChanges: Counter<'kind'>;
}

export interface MetricsSources {
  openConnections: () => number;
  subscriptions: () => number;
  openStreams: () => number;
  unreadWatchers: () => number;
}

/** One registry per app, so several apps in one process (tests) never share counters. */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tim_', eventLoopMonitoringPrecision: 100 });
  const registers = [registry];
  new Gauge({
    name: 'tim_open_connections',
    help: 'Open WebSocket connections.',
    registers,
    collect() {
      this.set(sources.openConnections());
    },
  });
  new Gauge({
    name: 'tim_subscriptions',
    help: 'Space subscriptions held by open connections.',
    registers,
    collect() {
      this.set(sources.subscriptions());
    },
  });
  new Gauge({
    name: 'tim_open_streams',
    help: 'Streaming messages open on this process.',
    registers,
    collect() {
      this.set(sources.openStreams());
    },
  });
  new Gauge({
    name: 'tim_unread_watchers',
    help: 'Connections on this process that asked for the unread feed (unread_subscribe).',
    registers,
    collect() {
      this.set(sources.unreadWatchers());
    },
  });
  return {
    registry,
    messagesAccepted: new Counter({
      name: 'tim_messages_accepted_total',
      help: 'Messages stored and acknowledged.',
      registers,
    }),
    updatesDelivered: new Counter({
      name: 'tim_updates_delivered_total',
      help: 'Update frames handed to subscribers.',
      registers,
    }),
    slowConsumerCloses: new Counter({
      name: 'tim_slow_consumer_closes_total',
      help: 'Sockets closed with 4008.',
      registers,
    }),
    presenceSweeps: new Counter({
      name: 'tim_presence_sweeps_total',
      help: 'Presence sweeps completed (crashed processes looked for).',
      registers,
    }),
    rateLimited: new Counter({
      name: 'tim_rate_limited_total',
      help: 'Requests refused with 429 rate_limited, by limit.',
      labelNames: ['limit'] as const,
      registers,
    }),
    sendLatency: new Histogram({
      name: 'tim_send_latency_seconds',
      help: 'Time from a send request to its acknowledgement.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    requestsAborted: new Counter({
      name: 'tim_http_requests_aborted_total',
      help: 'HTTP requests the client aborted before their body arrived (counted, logged at debug).',
      registers,
    }),
    streamsEnded: new Counter({
      name: 'tim_streams_ended_total',
      help: 'Streaming messages ended, by reason (finished, stopped, timed_out, disconnected, aborted, failed).',
      labelNames: ['reason'] as const,
      registers,
    }),
    messageChanges: new Counter({
      name: 'tim_message_changes_total',
      help: 'Edits, deletes and reactions stored (each one a timeline update), by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}
