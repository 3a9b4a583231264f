import type { KeyValueStore } from './key-value-store';
import { Outbox } from './outbox';

function createStore(): KeyValueStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('Outbox', () => {
  const draft = { clientMsgId: 'c1', spaceId: 'main', content: 'hello' };

  it('shows a message as pending until a confirmation, whichever of HTTP answer or update frame comes first', () => {
    const outbox = new Outbox();
    expect(outbox.add(draft).status).toBe('pending');
    expect(outbox.itemsIn('main')).toHaveLength(1);
    expect(outbox.confirm('c1')).toBe(true);
    expect(outbox.confirm('c1')).toBe(false);
    expect(outbox.itemsIn('main')).toHaveLength(0);
  });

  it('keeps a failed message with its reason, and a retry reuses the same clientMsgId', () => {
    const outbox = new Outbox();
    outbox.add(draft);
    expect(outbox.fail('c1', 'Could not reach the server.')).toBe(true);
    expect(outbox.get('c1')).toMatchObject({ status: 'failed', failure: 'Could not reach the server.' });
    const retried = outbox.retry('c1');
    expect(retried).toEqual({ clientMsgId: 'c1', spaceId: 'main', content: 'hello', status: 'pending' });
    expect(outbox.itemsIn('main')).toHaveLength(1);
  });

  it('ignores a failure reported after the update frame already confirmed the message', () => {
    const outbox = new Outbox();
    outbox.add(draft);
    outbox.confirm('c1');
    expect(outbox.fail('c1', 'Network')).toBe(false);
    expect(outbox.itemsIn('main')).toEqual([]);
  });

  it('clears a failed message when a later update frame shows it got through', () => {
    const outbox = new Outbox();
    outbox.add(draft);
    outbox.fail('c1', 'Network');
    expect(outbox.confirm('c1')).toBe(true);
    expect(outbox.retry('c1')).toBeUndefined();
  });

  it('retries only failed messages and lists each space in writing order', () => {
    const outbox = new Outbox();
    outbox.add(draft);
    outbox.add({ clientMsgId: 'c2', spaceId: 'other', content: 'x' });
    outbox.add({ clientMsgId: 'c3', spaceId: 'main', content: 'again' });
    expect(outbox.retry('c1')).toBeUndefined();
    expect(outbox.itemsIn('main').map((item) => item.clientMsgId)).toEqual(['c1', 'c3']);
    expect(outbox.discard('c3')).toBe(true);
    expect(outbox.itemsIn('main').map((item) => item.clientMsgId)).toEqual(['c1']);
  });

  it('outlasts a reload: failed messages come back as they were, pending ones as failed', () => {
    const store = createStore();
    const before = new Outbox({ store, key: 'tim.outbox.7' });
    before.add(draft);
    before.add({ clientMsgId: 'c2', spaceId: 'main', content: 'in flight' });
    before.fail('c1', 'Could not reach the server.');

    const after = new Outbox({ store, key: 'tim.outbox.7' });
    expect(after.itemsIn('main')).toMatchObject([
      { clientMsgId: 'c1', status: 'failed', failure: 'Could not reach the server.' },
      { clientMsgId: 'c2', status: 'failed', failure: expect.stringMatching(/page closed/) },
    ]);
    expect(new Outbox({ store, key: 'tim.outbox.8' }).itemsIn('main')).toEqual([]);
    after.confirm('c1');
    after.discard('c2');
    expect(store.items.has('tim.outbox.7')).toBe(false);
  });

  it('starts empty from what it cannot read, keeping only well-formed items', () => {
    const store = createStore();
    store.setItem('bad', '{not json');
    expect(new Outbox({ store, key: 'bad' }).itemsIn('main')).toEqual([]);
    store.setItem('mixed', JSON.stringify([{ clientMsgId: 'c1' }, { ...draft, status: 'failed', failure: 'x' }]));
    expect(new Outbox({ store, key: 'mixed' }).itemsIn('main')).toMatchObject([
      { clientMsgId: 'c1', content: 'hello' },
    ]);
  });
});
