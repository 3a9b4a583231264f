import { parseArgs } from './args';

describe('parseArgs', () => {
  it("defaults to one run of each scenario's own targets, and --quick to the three compared targets", () => {
    expect(parseArgs([])).toMatchObject({ isQuick: false, runs: 1, targets: undefined });
    expect(parseArgs(['--', '--quick'])).toMatchObject({ isQuick: true, targets: ['ceiling', 'socketio', 'tim'] });
  });

  it('reads every option', () => {
    expect(
      parseArgs([
        '--targets',
        'tim,ceiling',
        '--runs',
        '3',
        '--scenarios',
        'a,b',
        '--cpu-prof',
        '/p',
        '--out',
        'o.json',
        '--from',
        'x,y',
      ]),
    ).toEqual({
      isQuick: false,
      targets: ['tim', 'ceiling'],
      runs: 3,
      scenarioIds: ['a', 'b'],
      cpuProfileDir: '/p',
      outFile: 'o.json',
      fromFiles: ['x', 'y'],
    });
  });

  it('refuses unknown flags, targets and run counts with the usage line', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/usage: pnpm bench/);
    expect(() => parseArgs(['--targets', 'nginx'])).toThrow(/unknown target "nginx"/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs takes 1–20/);
    expect(() => parseArgs(['--out'])).toThrow(/usage: pnpm bench/);
  });
});
