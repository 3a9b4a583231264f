import type { ConnectionState } from '@tim/protocol';

/** The connection as the reader sees it, the browser's own offline state included. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export function connectionStatus(state: ConnectionState, options: { browserOnline: boolean }): ConnectionStatus {
  if (!options.browserOnline) return 'offline';
  switch (state) {
    case 'open':
      return 'connected';
    case 'reconnecting':
      return 'reconnecting';
    case 'closed':
      return 'offline';
    case 'connecting':
      return 'connecting';
  }
}
