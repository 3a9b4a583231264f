/*
 * Arithmetic without eval: a recursive-descent parser over numbers, + - * / % ^, parentheses,
 * the constants pi and e, and a few functions. Nothing but these can run.
 */

/** An expression that cannot be evaluated; the message says where and why. */
export class CalculationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalculationError';
  }
}

export const EXPRESSION_MAX_CHARS = 500;

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

const FUNCTIONS: Record<string, { arity: [number, number]; apply: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], apply: Math.sqrt },
  abs: { arity: [1, 1], apply: Math.abs },
  round: { arity: [1, 1], apply: Math.round },
  floor: { arity: [1, 1], apply: Math.floor },
  ceil: { arity: [1, 1], apply: Math.ceil },
  sin: { arity: [1, 1], apply: Math.sin },
  cos: { arity: [1, 1], apply: Math.cos },
  tan: { arity: [1, 1], apply: Math.tan },
  ln: { arity: [1, 1], apply: Math.log },
  log: { arity: [1, 1], apply: Math.log10 },
  exp: { arity: [1, 1], apply: Math.exp },
  min: { arity: [1, 16], apply: Math.min },
  max: { arity: [1, 16], apply: Math.max },
};

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/%^(),]))/y;
  let at = 0;
  while (at < expression.length) {
    if (expression.slice(at).trim() === '') break;
    pattern.lastIndex = at;
    const match = pattern.exec(expression);
    if (match === null) {
      const position = expression.length - expression.slice(at).trimStart().length;
      throw new CalculationError(`Unexpected "${expression[position] ?? ''}" at position ${position + 1}.`);
    }
    const start = pattern.lastIndex - match[0].trimStart().length;
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]), at: start });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', value: match[2].toLowerCase(), at: start });
    else tokens.push({ kind: 'op', value: match[3] === '**' ? '^' : (match[3] ?? ''), at: start });
    at = pattern.lastIndex;
  }
  return tokens;
}

/** Evaluates an arithmetic expression such as `2 * (3 + 4) ^ 2 / sqrt(16)`; throws `CalculationError`. */
export function calculate(expression: string): number {
  if (expression.length > EXPRESSION_MAX_CHARS) {
    throw new CalculationError(`An expression is at most ${EXPRESSION_MAX_CHARS} characters.`);
  }
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new CalculationError('The expression is empty.');
  let index = 0;

  const peek = (): Token | undefined => tokens[index];
  const isOp = (value: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.value === value;
  };
  const expect = (value: string): void => {
    if (!isOp(value)) throw new CalculationError(`Expected "${value}" ${where()}.`);
    index += 1;
  };
  const where = (): string => {
    const token = peek();
    return token === undefined ? 'at the end' : `at position ${token.at + 1}`;
  };

  // sum := product (('+' | '-') product)*
  function sum(): number {
    let value = product();
    while (isOp('+') || isOp('-')) {
      const op = peek()?.value;
      index += 1;
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  }

  // product := unary (('*' | '/' | '%') unary)*
  function product(): number {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = peek()?.value;
      index += 1;
      const right = unary();
      if ((op === '/' || op === '%') && right === 0) throw new CalculationError('Division by zero.');
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  }

  // unary := ('-' | '+') unary | power
  function unary(): number {
    if (isOp('-')) {
      index += 1;
      return -unary();
    }
    if (isOp('+')) {
      index += 1;
      return unary();
    }
    return power();
  }

  // power := atom ('^' unary)?   (right-associative; -2^2 is -(2^2))
  function power(): number {
    const base = atom();
    if (!isOp('^')) return base;
    index += 1;
    return base ** unary();
  }

  function atom(): number {
    const token = peek();
    if (token === undefined) throw new CalculationError('The expression ends too early.');
    index += 1;
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op') {
      if (token.value !== '(') throw new CalculationError(`Unexpected "${token.value}" at position ${token.at + 1}.`);
      const value = sum();
      expect(')');
      return value;
    }
    const fn = FUNCTIONS[token.value];
    if (fn !== undefined) {
      expect('(');
      const args = [sum()];
      while (isOp(',')) {
        index += 1;
        args.push(sum());
      }
      expect(')');
      const [least, most] = fn.arity;
      if (args.length < least || args.length > most) {
        throw new CalculationError(
          `${token.value} takes ${least === most ? least : `${least} to ${most}`} argument(s).`,
        );
      }
      return fn.apply(...args);
    }
    const constant = CONSTANTS[token.value];
    if (constant !== undefined) return constant;
    throw new CalculationError(`Unknown name "${token.value}" at position ${token.at + 1}.`);
  }

  const value = sum();
  if (index < tokens.length) throw new CalculationError(`Unexpected "${peek()?.value}" ${where()}.`);
  if (!Number.isFinite(value)) throw new CalculationError('The result is not a finite number.');
  return value;
}
