/**
 * The Node/V8 flags the server runs with in production: `pnpm start` passes them, and so does
 * the benchmark. V8 reads them only when the process starts, so whoever starts
 * `cli.js serve` puts them on node's command line (or in NODE_OPTIONS).
 *
 * --max-semi-space-size=8 caps V8's young generation at 2 × 8 MB. By default V8 doubles it to
 * 2 × 16 MB once enough objects have survived collections (a burst of connections does that)
 * and keeps the extra 16 MB until the process has been idle for a while. At 1000 idle
 * subscribed connections that was most of their memory: 22.5 KB each by default, 15 KB with
 * the cap, with no measurable change in CPU per delivery or latency (docs/performance-notes.md).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
