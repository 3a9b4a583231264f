import { FULL_SCENARIOS, plannedRuns, type Scenario } from './scenarios';

function scenario(id: string): Scenario {
  const found = FULL_SCENARIOS.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return found;
}

const pairs = (runs: ReturnType<typeof plannedRuns>['runs']) => runs.map((run) => `${run.scenario.id}/${run.target}`);

describe('plannedRuns', () => {
  const streaming = scenario('stream-10x1000');
  const fanout = scenario('fanout-100');

  it('runs each scenario on its own targets when none are given: streaming on tim alone', () => {
    const planned = plannedRuns({ scenarios: [fanout, streaming], targets: undefined, isScenarioNamed: false });

    expect(pairs(planned.runs)).toEqual([
      'fanout-100/ceiling',
      'fanout-100/ceiling-coalesced',
      'fanout-100/socketio',
      'fanout-100/tim',
      'stream-10x1000/tim',
    ]);
    expect(planned.notes).toEqual([]);
  });

  it('refuses a named streaming scenario on a target without streaming, saying why', () => {
    expect(() => plannedRuns({ scenarios: [streaming], targets: ['ceiling', 'tim'], isScenarioNamed: true })).toThrow(
      /stream-10x1000 runs on tim only \(.*no streaming\); leave ceiling out of --targets/,
    );
    expect(() => plannedRuns({ scenarios: [streaming], targets: ['socketio'], isScenarioNamed: true })).toThrow(
      /leave socketio out/,
    );
  });

  it('leaves such targets out, with a note, when every scenario runs', () => {
    const planned = plannedRuns({
      scenarios: [fanout, streaming],
      targets: ['ceiling', 'tim'],
      isScenarioNamed: false,
    });

    expect(pairs(planned.runs)).toEqual(['fanout-100/ceiling', 'fanout-100/tim', 'stream-10x1000/tim']);
    expect(planned.notes).toEqual([expect.stringMatching(/^stream-10x1000 runs on tim only .*: not on ceiling$/)]);
  });
});
