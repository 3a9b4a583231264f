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

/**
 * The environment the server runs with in production, beside SERVER_NODE_FLAGS: `pnpm start`
 * sets it, glibc reads it when the process starts. Other C libraries ignore it.
 *
 * glibc.malloc.mmap_threshold=4194304: every allocation of 4 MiB or more gets pages of its own,
 * returned to the system when freed. scrypt's block (16 MiB per password hash, allocated on
 * whichever libuv threadpool thread runs the hash) is one. By default glibc raises its
 * threshold to the size of the first such block freed; from then on each threadpool thread
 * keeps a freed 16 MiB block in its own arena: once each of the four threads has hashed, the
 * process holds 66 MB more for good, most of the 160 MB issue 14 reported. The price is
 * 7–11 ms of system CPU per hash (the kernel zeroing 16 MiB) beside 45–65 ms of hashing
 * (docs/performance-notes.md, "Memory at rest").
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=4194304' };
