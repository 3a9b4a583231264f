import type { AbilityOutcomeEvent, Timite, Update } from '@tim/protocol';
import { AbilityCalls } from './ability-calls';
import { callStatus, secondsLeft, shownValue, withCalls } from './call-items';
import { StableTimelineItems } from './stable-items';
import { Timeline } from './timeline';
import { timelineItems } from './chat-view';
import { makeUpdate } from './test-updates';

const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };
const bot: Timite = { id: 2, nick: 'bot', kind: 'agent' };

function callUpdate(id: number): Update {
  return {
    id,
    spaceId: 'main',
    at: '2026-01-01T12:00:00.000Z',
    event: {
      type: 'ability_call',
      callId: id,
      caller: ada,
      target: bot,
      ability: 'echo',
      arguments: { text: `call ${id}` },
      deadline: '2026-01-01T12:01:00.000Z',
    },
  };
}

function outcomeUpdate(id: number, callId: number, status: AbilityOutcomeEvent['status'] = 'ok'): Update {
  return {
    id,
    spaceId: 'main',
    at: '2026-01-01T12:00:00.000Z',
    event: { type: 'ability_outcome', callId, target: bot, status, ...(status === 'ok' ? { result: 'done' } : {}) },
  };
}

describe('AbilityCalls', () => {
  it('settles a call with its outcome, as a new entry while the others stay the same objects', () => {
    const calls = new AbilityCalls();
    calls.note([callUpdate(1), callUpdate(2)]);
    const [first, second] = calls.entries;
    calls.note([outcomeUpdate(3, 2)]);
    expect(calls.entries[0]).toBe(first);
    expect(calls.entries[1]).not.toBe(second);
    expect(calls.entries[1]?.outcome?.status).toBe('ok');
    // A second outcome for the same call changes nothing.
    const settled = calls.entries;
    calls.note([outcomeUpdate(4, 2, 'timed_out')]);
    expect(calls.entries).toBe(settled);
  });

  it('keeps an outcome whose call is not read as a line of its own, until an older page brings the call', () => {
    const calls = new AbilityCalls();
    calls.note([outcomeUpdate(9, 4)]);
    expect(calls.entries).toEqual([{ updateId: 9, call: undefined, outcome: outcomeUpdate(9, 4).event }]);
    expect(withCalls([], calls.entries, ada.id).map((item) => item.kind)).toEqual(['outcome']);
    calls.note([callUpdate(4)]);
    expect(calls.entries.map((entry) => [entry.updateId, entry.outcome?.status])).toEqual([[4, 'ok']]);
    // A lone outcome leaves with the window too.
    calls.note([outcomeUpdate(12, 11)]);
    calls.keepBetween(1, 10);
    expect(calls.entries.map((entry) => entry.updateId)).toEqual([4]);
  });

  it('sorts calls read out of order and drops those outside the window', () => {
    const calls = new AbilityCalls();
    calls.note([callUpdate(10), callUpdate(4), callUpdate(7)]);
    expect(calls.entries.map((entry) => entry.updateId)).toEqual([4, 7, 10]);
    calls.keepBetween(5, 10);
    expect(calls.entries.map((entry) => entry.updateId)).toEqual([7, 10]);
  });
});

describe('calls in the timeline', () => {
  it('shows calls among the messages by update id, with outcomes arriving live', () => {
    const timeline = new Timeline({ windowSize: 3 });
    timeline.reset([makeUpdate(1), callUpdate(2), makeUpdate(3)], 3);
    timeline.apply([outcomeUpdate(4, 2)], 'live');
    expect(timeline.calls.map((entry) => [entry.updateId, entry.outcome?.status])).toEqual([[2, 'ok']]);
    const items = withCalls(timeline.entries, timeline.calls, ada.id);
    expect(items.map((item) => item.updateId)).toEqual([1, 2, 3]);
    // The window moves past the call: it goes with the messages around it.
    timeline.apply([makeUpdate(5), makeUpdate(6), makeUpdate(7)], 'live');
    expect(timeline.calls).toEqual([]);
  });
});

describe('call cards', () => {
  it('names the status, shows text as text and JSON indented, and counts down', () => {
    expect(callStatus(undefined)).toBe('pending');
    expect(callStatus({ type: 'ability_outcome', callId: 1, target: bot, status: 'timed_out' })).toBe('timed out');
    expect(shownValue('<b>hi</b>')).toBe('<b>hi</b>');
    expect(shownValue({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(secondsLeft('2026-01-01T12:01:00.000Z', Date.parse('2026-01-01T12:00:58.500Z'))).toBe(2);
    expect(secondsLeft('2026-01-01T12:01:00.000Z', Date.parse('2026-01-01T12:02:00.000Z'))).toBe(0);
  });
});

describe('call items kept stable', () => {
  it('hands over the same items while nothing changed, and only the settled card anew', () => {
    const timeline = new Timeline();
    timeline.reset([makeUpdate(1), callUpdate(2), callUpdate(3)], 3);
    const stable = new StableTimelineItems();
    const build = () =>
      stable.next(
        timelineItems({
          entries: timeline.entries,
          pending: [],
          growing: [],
          hasNewer: false,
          myId: ada.id,
          nickOf: () => undefined,
          calls: timeline.calls,
        }),
      );
    const first = build();
    expect(build()).toBe(first);
    timeline.apply([outcomeUpdate(4, 3)], 'live');
    const settled = build();
    expect(settled[0]).toBe(first[0]);
    expect(settled[1]).toBe(first[1]);
    expect(settled[2]).not.toBe(first[2]);
  });
});
