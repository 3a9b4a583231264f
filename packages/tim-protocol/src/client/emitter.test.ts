import { Emitter } from './emitter';

interface Events {
  count: number;
  name: string;
}

describe('Emitter', () => {
  it('calls the listeners of an event with its payload until they unsubscribe', () => {
    const emitter = new Emitter<Events>();
    const counts: number[] = [];
    const names: string[] = [];
    const off = emitter.on('count', (count) => counts.push(count));
    emitter.on('name', (name) => names.push(name));
    emitter.emit('count', 1);
    off();
    off();
    emitter.emit('count', 2);
    emitter.emit('name', 'ada');
    expect(counts).toEqual([1]);
    expect(names).toEqual(['ada']);
  });

  it('keeps calling the other listeners when one throws, and rethrows its error in a microtask', () => {
    const emitter = new Emitter<Events>();
    const rethrows: Array<() => void> = [];
    const queue = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => rethrows.push(callback));
    try {
      const counts: number[] = [];
      emitter.on('count', () => {
        throw new Error('listener failed');
      });
      emitter.on('count', (count) => counts.push(count));
      emitter.emit('count', 7);
      expect(counts).toEqual([7]);
      expect(rethrows).toHaveLength(1);
      expect(() => rethrows[0]?.()).toThrow('listener failed');
    } finally {
      queue.mockRestore();
    }
  });
});
