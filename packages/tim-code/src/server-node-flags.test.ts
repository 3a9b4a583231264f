import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from './server-node-flags';

describe('SERVER_NODE_FLAGS', () => {
  it('are what `pnpm start` runs the server with', () => {
    const rootPackage = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const start = rootPackage.scripts.start ?? '';
    expect(start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} packages/tim-code/dist/cli.js serve`);
  });
});
