import type { SoakOptions } from './soak-options';
import type { SlotFigures } from './subscriber-slot';

export interface DeliveryFigures {
  /** Subscribers counted. */
  subscribers: number;
  /** Sum over subscribers of the updates accepted after their first `headId`. */
  expected: number;
  /** Updates received exactly once and in order. */
  received: number;
  missed: number;
  duplicated: number;
}

export interface SoakRunFigures {
  options: SoakOptions;
  elapsedS: number;
  messagesAccepted: number;
  /** Sends the server refused, by error code. */
  messagesRefused: Record<string, number>;
  /** Publisher ticks skipped because too many sends were unanswered: a sign of a slow server. */
  publisherSkipped: number;
  /** The space's head after the last send; equals messagesAccepted on a fresh server. */
  finalHeadId: number;
  churnRounds: number;
  slots: SlotFigures[];
  resumeFailures: string[];
  /** Sends that failed for good (after retries with the same clientMsgId). */
  publisherErrors: string[];
  /** Send attempts repeated after a network error. */
  publisherRetries: number;
  rssStartBytes: number;
  rssPeakBytes: number;
  rssEndBytes: number;
  /** Whether every subscriber caught up before the drain timeout. */
  drained: boolean;
  serverExited: boolean;
}

/** What the soak prints as its last line (prefixed `soak-result `) and judges by. */
export interface SoakReport {
  connections: number;
  durationS: number;
  elapsedS: number;
  messagesAccepted: number;
  messagesRefused: Record<string, number>;
  publisherSkipped: number;
  publisherRetries: number;
  finalHeadId: number;
  churnRounds: number;
  churnedConnections: number;
  /** Closes the soak did not ask for, by close code (4008 is a slow consumer). */
  serverCloses: Record<string, number>;
  capRetries: number;
  /** Connections open at the end, each counted from its own subscribe point (`after` or `headId`). */
  surviving: DeliveryFigures;
  /** Subscribers whose first connection was never churned nor closed by the server. */
  neverChurned: DeliveryFigures;
  /** Every subscriber as a chain of connections, from its first `headId` through every resume. */
  all: DeliveryFigures;
  protocolErrors: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  ok: boolean;
  failures: string[];
}

export const RESULT_PREFIX = 'soak-result ';

function mib(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

function isNeverChurned(slot: SlotFigures): boolean {
  return slot.churned === 0 && Object.keys(slot.serverCloses).length === 0;
}

interface Counted {
  startId: number;
  received: number;
  duplicated: number;
}

function sumDeliveries(counted: Counted[], finalHeadId: number): DeliveryFigures {
  const figures: DeliveryFigures = { subscribers: counted.length, expected: 0, received: 0, missed: 0, duplicated: 0 };
  for (const { startId, received, duplicated } of counted) {
    const expected = Math.max(0, finalHeadId - startId);
    figures.expected += expected;
    figures.received += received;
    figures.missed += Math.max(0, expected - received);
    figures.duplicated += duplicated;
  }
  return figures;
}

const asChain = (slot: SlotFigures): Counted => ({
  startId: slot.startHeadId,
  received: slot.received,
  duplicated: slot.duplicated,
});

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

export function summarizeSoak(run: SoakRunFigures): SoakReport {
  const serverCloses: Record<string, number> = {};
  let churnedConnections = 0;
  let capRetries = 0;
  const protocolErrors: string[] = [];
  for (const slot of run.slots) {
    addCounts(serverCloses, slot.serverCloses);
    churnedConnections += slot.churned;
    capRetries += slot.capRetries;
    protocolErrors.push(...slot.protocolErrors);
  }
  const surviving = sumDeliveries(
    run.slots.filter((slot) => slot.current.live).map((slot) => slot.current),
    run.finalHeadId,
  );
  const neverChurned = sumDeliveries(run.slots.filter(isNeverChurned).map(asChain), run.finalHeadId);
  const all = sumDeliveries(run.slots.map(asChain), run.finalHeadId);

  const failures: string[] = [];
  if (run.serverExited) failures.push('the server process exited during the run');
  if (run.messagesAccepted === 0) failures.push('no message was accepted');
  if (run.finalHeadId !== run.messagesAccepted) {
    failures.push(`the space holds ${run.finalHeadId} updates but ${run.messagesAccepted} sends were acknowledged`);
  }
  for (const [label, figures] of [
    ['surviving connections', surviving],
    ['never-churned subscribers', neverChurned],
    ['subscriber chains', all],
  ] as const) {
    if (figures.missed > 0 || figures.duplicated > 0) {
      failures.push(`${label} missed ${figures.missed} and got ${figures.duplicated} duplicates`);
    }
  }
  if (surviving.subscribers !== run.slots.length) {
    failures.push(`${run.slots.length - surviving.subscribers} subscribers had no open connection at the end`);
  }
  if (!run.drained) failures.push('some subscribers had not caught up when the drain timeout ran out');
  if (protocolErrors.length > 0) failures.push(`${protocolErrors.length} protocol errors, first: ${protocolErrors[0]}`);
  if (run.resumeFailures.length > 0)
    failures.push(`${run.resumeFailures.length} resumes failed, first: ${run.resumeFailures[0]}`);
  if (run.publisherErrors.length > 0)
    failures.push(`${run.publisherErrors.length} sends failed, first: ${run.publisherErrors[0]}`);

  return {
    connections: run.options.connections,
    durationS: run.options.durationS,
    elapsedS: Math.round(run.elapsedS * 10) / 10,
    messagesAccepted: run.messagesAccepted,
    messagesRefused: run.messagesRefused,
    publisherSkipped: run.publisherSkipped,
    publisherRetries: run.publisherRetries,
    finalHeadId: run.finalHeadId,
    churnRounds: run.churnRounds,
    churnedConnections,
    serverCloses,
    capRetries,
    surviving,
    neverChurned,
    all,
    protocolErrors: protocolErrors.length,
    rssStartMiB: mib(run.rssStartBytes),
    rssPeakMiB: mib(run.rssPeakBytes),
    rssEndMiB: mib(run.rssEndBytes),
    ok: failures.length === 0,
    failures,
  };
}

function formatDeliveries(label: string, figures: DeliveryFigures): string {
  return (
    `${label}: ${figures.subscribers} subscribers, deliveries expected ${figures.expected}, ` +
    `received ${figures.received}, missed ${figures.missed}, duplicated ${figures.duplicated}`
  );
}

/** Lines for a person, then one machine-readable line for CI. */
export function formatSoakReport(report: SoakReport): string[] {
  return [
    `connections: ${report.connections}, ran ${report.elapsedS} s (${report.durationS} s of traffic)`,
    `messages accepted: ${report.messagesAccepted} (refused ${JSON.stringify(report.messagesRefused)}, ` +
      `${report.publisherSkipped} ticks skipped while busy, ${report.publisherRetries} retries), final head id ${report.finalHeadId}`,
    `churn: ${report.churnRounds} rounds, ${report.churnedConnections} connections terminated abruptly, ` +
      `${report.capRetries} resumes retried after 4429, server closes ${JSON.stringify(report.serverCloses)}`,
    formatDeliveries('surviving connections (since their subscribe point)', report.surviving),
    formatDeliveries('never churned', report.neverChurned),
    formatDeliveries('subscriber chains (first subscribe through every resume)', report.all),
    `protocol errors: ${report.protocolErrors}`,
    `server rss: start ${report.rssStartMiB} MiB, peak ${report.rssPeakMiB} MiB, end ${report.rssEndMiB} MiB`,
    report.ok ? 'result: ok' : `result: FAILED\n  ${report.failures.join('\n  ')}`,
    `${RESULT_PREFIX}${JSON.stringify(report)}`,
  ];
}
