import { z } from 'zod';

/**
 * What the page probe hands back: for every measured message that reached the DOM, its
 * sequence number and how long after its send time it got there (ms, wall clock of one
 * host), and the page's long tasks since the probe was armed as [start, duration] in ms.
 */
export const ProbeSnapshot = z.object({
  appeared: z.array(z.tuple([z.number(), z.number()])),
  longTasks: z.array(z.tuple([z.number(), z.number()])),
});
export type ProbeSnapshot = z.infer<typeof ProbeSnapshot>;

/** The global the probe installs in the page. */
export const PROBE_GLOBAL = '__timBenchProbe';

/**
 * Installed before the web client's own scripts (an init script, so plain JavaScript: this
 * package compiles without the DOM's types). A MutationObserver notes when each message
 * element is added, reading the send time and sequence number the publisher put in its
 * content (`<sendTimeMs>|<seq>|xxx…`, see load/message-content.ts) from its aria-label
 * (`nick: content`); a PerformanceObserver keeps the long tasks. Nothing is noted before
 * `arm()`, and messages sent before it (the seeded ones, shown again after a reconnect) are
 * never counted. Its own cost, a few µs per added message, is part of the figures.
 */
export const PAGE_PROBE_SCRIPT = `(() => {
  const sendTimeAndSeq = /: (\\d+(?:\\.\\d+)?)\\|(\\d+)\\|/;
  let armedAtEpochMs = Infinity;
  let armedAtMs = Infinity;
  const appeared = new Map();
  const longTasks = [];
  const note = (element, nowEpochMs) => {
    const match = sendTimeAndSeq.exec(element.getAttribute('aria-label') || '');
    if (match === null) return;
    const sendTimeMs = Number(match[1]);
    const seq = Number(match[2]);
    if (sendTimeMs < armedAtEpochMs || appeared.has(seq)) return;
    appeared.set(seq, nowEpochMs - sendTimeMs);
  };
  const mutations = new MutationObserver((records) => {
    if (armedAtEpochMs === Infinity) return;
    const nowEpochMs = performance.timeOrigin + performance.now();
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches('[data-testid="message"]')) note(node, nowEpochMs);
        else for (const element of node.querySelectorAll('[data-testid="message"]')) note(element, nowEpochMs);
      }
    }
  });
  mutations.observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  window.${PROBE_GLOBAL} = {
    arm() {
      armedAtMs = performance.now();
      armedAtEpochMs = performance.timeOrigin + armedAtMs;
      appeared.clear();
      return armedAtEpochMs;
    },
    count: () => appeared.size,
    snapshot: () => ({
      appeared: [...appeared.entries()],
      longTasks: longTasks.filter(([start]) => start >= armedAtMs),
    }),
  };
})();`;
