import { calculate, CalculationError } from './calculate';

describe('calculate', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['10 % 4', 2],
    ['7 / 2', 3.5],
    ['sqrt(16) + abs(-3)', 7],
    ['max(1, 5, 3) - min(4, 2)', 3],
    ['round(pi * 100) / 100', 3.14],
    ['1.5e3 + .5', 1500.5],
    ['log(1000)', 3],
  ])('evaluates %s to %d', (expression, expected) => {
    expect(calculate(expression)).toBeCloseTo(expected, 10);
  });

  it.each([
    ['', 'The expression is empty.'],
    ['1 +', 'The expression ends too early.'],
    ['2 * (3 + 4', 'Expected ")" at the end.'],
    ['1 / 0', 'Division by zero.'],
    ['process(1)', 'Unknown name "process" at position 1.'],
    ['a.b', 'Unexpected "." at position 2.'],
    ['1 ; 2', 'Unexpected ";" at position 3.'],
    ['sqrt(1, 2)', 'sqrt takes 1 argument(s).'],
    ['10 ^ 400', 'The result is not a finite number.'],
  ])('refuses %j: %s', (expression, message) => {
    expect(() => calculate(expression)).toThrow(new CalculationError(message));
  });
});
