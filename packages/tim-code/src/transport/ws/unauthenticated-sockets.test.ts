import { createUnauthenticatedSockets } from './unauthenticated-sockets';

describe('createUnauthenticatedSockets', () => {
  it('admits up to the cap per address, each address on its own budget', () => {
    const sockets = createUnauthenticatedSockets(2);
    expect(sockets.tryAdmit('10.0.0.1')).toBeDefined();
    expect(sockets.tryAdmit('10.0.0.1')).toBeDefined();
    expect(sockets.tryAdmit('10.0.0.1')).toBeUndefined();
    expect(sockets.tryAdmit('10.0.0.2')).toBeDefined();
    expect(sockets.size).toBe(3);
  });

  it('gives a slot back once however often its release is called', () => {
    const sockets = createUnauthenticatedSockets(1);
    const release = sockets.tryAdmit('10.0.0.1');
    release?.();
    release?.();
    expect(sockets.size).toBe(0);
    const again = sockets.tryAdmit('10.0.0.1');
    expect(again).toBeDefined();
    expect(sockets.tryAdmit('10.0.0.1')).toBeUndefined();
    again?.();
    expect(sockets.size).toBe(0);
  });
});
