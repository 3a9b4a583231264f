/**
 * An open page of the web client with `seededMessages` on screen (the window's size), then
 * `messagesPerSecond` posted over HTTP by another timite for `durationMs`: what each
 * incoming message costs the page, and how soon it is shown.
 */
export interface BrowserScenario {
  id: string;
  /** One line for the report. */
  label: string;
  seededMessages: number;
  messagesPerSecond: number;
  durationMs: number;
  contentBytes: number;
  /** At rest with the seeded messages shown, before the load: what the page spends doing nothing. */
  idleMs: number;
  /** How long after the last post the page may take to show every message before the run gives up. */
  drainTimeoutMs: number;
}

export const BROWSER_SCENARIOS: BrowserScenario[] = [
  {
    id: 'browser-300',
    label:
      'the web client in Chromium with 300 messages on screen, 200 msg/s of 100 B posted for 10 s by another timite (10 s at rest before)',
    seededMessages: 300,
    messagesPerSecond: 200,
    durationMs: 10_000,
    contentBytes: 100,
    idleMs: 10_000,
    drainTimeoutMs: 180_000,
  },
];
