import { existsSync } from 'node:fs';
import { startProcess } from '@tim/process';
import { builtModulePath } from '../src/built-path';
import type { SoakReport } from '../src/soak/soak-report';
import { RESULT_PREFIX } from '../src/soak/soak-report';

/*
 * Runs the soak's short form against the built server (`pnpm build` first; turbo's test task
 * depends on build). The full form is run by hand: `pnpm soak`.
 */

const SOAK = builtModulePath('soak/soak.js');

async function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const soak = await startProcess({ name: 'soak', args: [SOAK, ...args] });
  const { code } = await soak.exited;
  return { code, stdout: soak.output('stdout'), stderr: soak.output('stderr') };
}

function readReport(stdout: string): SoakReport {
  const line = stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`the soak printed no "${RESULT_PREFIX}" line:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as SoakReport;
}

describe('soak --short', () => {
  it('holds 300 churning connections while every subscriber gets every message once, in order', async () => {
    expect(existsSync(SOAK)).toBe(true);
    const { code, stdout, stderr } = await runSoak(['--short']);
    if (code !== 0) throw new Error(`the soak exited with ${code}:\n${stdout}\n${stderr.slice(-4000)}`);
    const report = readReport(stdout);

    expect(report.ok).toBe(true);
    expect(report.connections).toBe(300);
    expect(report.messagesAccepted).toBeGreaterThan(0);
    expect(report.finalHeadId).toBe(report.messagesAccepted);
    expect(report.churnedConnections).toBeGreaterThan(0);
    expect(report.all.subscribers).toBe(300);
    expect(report.all.received).toBe(report.all.expected);
    expect(report.all.missed).toBe(0);
    expect(report.all.duplicated).toBe(0);
    expect(report.surviving.received).toBe(report.surviving.expected);
    expect(report.surviving.duplicated).toBe(0);
    expect(report.protocolErrors).toBe(0);
    expect(report.rssStartMiB).toBeGreaterThan(0);
    expect(report.rssEndMiB).toBeGreaterThan(0);
    expect(stdout).toMatch(/messages accepted: \d+/);
    expect(stdout).toMatch(/server rss: start [\d.]+ MiB, peak [\d.]+ MiB, end [\d.]+ MiB/);
  }, 90_000);

  it('gives its server the per-timite connection cap it asks for', async () => {
    const { code, stdout, stderr } = await runSoak(['--short', '--connections-per-timite', '50']);
    if (code !== 0) throw new Error(`the soak exited with ${code}:\n${stdout}\n${stderr.slice(-4000)}`);
    const report = readReport(stdout);
    expect(report.ok).toBe(true);
    expect(report.all.subscribers).toBe(300);
    expect(report.all.missed).toBe(0);
    expect(report.protocolErrors).toBe(0);
  }, 90_000);
});
