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
  finalHeadId: number;
  churnRounds: number;
  churnedConnections: number;
  /** Closes the soak did not ask for, by close code (4008 is a slow consumer). */
  serverCloses: Record<string, number>;
  capRetries: number;
  /** Subscribers never churned nor closed by the server. */
  surviving: DeliveryFigures;
  /** Every subscriber, including those that resumed with `after` after a churn. */
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

function isSurviving(slot: SlotFigures): boolean {
  return slot.churned === 0 && Object.keys(slot.serverCloses).length === 0;
}

function sumDeliveries(slots: SlotFigures[], finalHeadId: number): DeliveryFigures {
  const figures: DeliveryFigures = { subscribers: slots.length, expected: 0, received: 0, missed: 0, duplicated: 0 };
  for (const slot of slots) {
    const expected = Math.max(0, finalHeadId - slot.startHeadId);
    figures.expected += expected;
    figures.received += slot.received;
    figures.missed += Math.max(0, expected - slot.received);
    figures.duplicated += slot.duplicated;
  }
  return figures;
}

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
  const surviving = sumDeliveries(run.slots.filter(isSurviving), run.finalHeadId);
  const all = sumDeliveries(run.slots, run.finalHeadId);

  const failures: string[] = [];
  if (run.serverExited) failures.push('the server process exited during the run');
  if (run.messagesAccepted === 0) failures.push('no message was accepted');
  if (run.finalHeadId !== run.messagesAccepted) {
    failures.push(`the space holds ${run.finalHeadId} updates but ${run.messagesAccepted} sends were acknowledged`);
  }
  if (surviving.missed > 0 || surviving.duplicated > 0) {
    failures.push(`surviving subscribers missed ${surviving.missed} and got ${surviving.duplicated} duplicates`);
  }
  if (all.missed > 0 || all.duplicated > 0) {
    failures.push(`all subscribers together missed ${all.missed} and got ${all.duplicated} duplicates`);
  }
  if (!run.drained) failures.push('some subscribers had not caught up when the drain timeout ran out');
  if (protocolErrors.length > 0) failures.push(`${protocolErrors.length} protocol errors, first: ${protocolErrors[0]}`);
  if (run.resumeFailures.length > 0) failures.push(`${run.resumeFailures.length} resumes failed, first: ${run.resumeFailures[0]}`);

  return {
    connections: run.options.connections,
    durationS: run.options.durationS,
    elapsedS: Math.round(run.elapsedS * 10) / 10,
    messagesAccepted: run.messagesAccepted,
    messagesRefused: run.messagesRefused,
    publisherSkipped: run.publisherSkipped,
    finalHeadId: run.finalHeadId,
    churnRounds: run.churnRounds,
    churnedConnections,
    serverCloses,
    capRetries,
    surviving,
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
      `${report.publisherSkipped} ticks skipped while busy), final head id ${report.finalHeadId}`,
    `churn: ${report.churnRounds} rounds, ${report.churnedConnections} connections terminated abruptly, ` +
      `${report.capRetries} resumes retried after 4429, server closes ${JSON.stringify(report.serverCloses)}`,
    formatDeliveries('surviving', report.surviving),
    formatDeliveries('all (incl. resumed)', report.all),
    `protocol errors: ${report.protocolErrors}`,
    `server rss: start ${report.rssStartMiB} MiB, peak ${report.rssPeakMiB} MiB, end ${report.rssEndMiB} MiB`,
    report.ok ? 'result: ok' : `result: FAILED\n  ${report.failures.join('\n  ')}`,
    `${RESULT_PREFIX}${JSON.stringify(report)}`,
  ];
}
