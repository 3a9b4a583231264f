import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_ENV, SERVER_NODE_FLAGS } from './server-node-flags';

function startScript(): string {
  const rootPackage = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return rootPackage.scripts.start ?? '';
}

describe('SERVER_NODE_FLAGS', () => {
  it('are what `pnpm start` runs the server with', () => {
    expect(startScript()).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} packages/tim-code/dist/cli.js serve`);
  });
});

describe('SERVER_ENV', () => {
  it('is set by `pnpm start`', () => {
    const assignments = startScript().split(' node ')[0]?.split(' ') ?? [];
    for (const [name, value] of Object.entries(SERVER_ENV)) expect(assignments).toContain(`${name}=${value}`);
  });
});
