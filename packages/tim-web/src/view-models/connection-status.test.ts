import { connectionStatus } from './connection-status';

describe('connectionStatus', () => {
  it("names the connection's state, and says offline whenever the browser is", () => {
    expect(connectionStatus('connecting', { browserOnline: true })).toBe('connecting');
    expect(connectionStatus('open', { browserOnline: true })).toBe('connected');
    expect(connectionStatus('reconnecting', { browserOnline: true })).toBe('reconnecting');
    expect(connectionStatus('closed', { browserOnline: true })).toBe('offline');
    expect(connectionStatus('open', { browserOnline: false })).toBe('offline');
  });
});
