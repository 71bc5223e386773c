// The page's view of its connection: whether actions may run, and a generation that grows on
// every reconnection so the screens reload their state (App keys them on it).
import type { ConnectionState, ReconnectingTransport } from '../../../electron/ipc/ws-reconnect';

export class Connection {
  state = $state<ConnectionState>('connected');
  generation = $state(1);
  readonly online = $derived(this.state === 'connected');

  constructor(transport: ReconnectingTransport | null) {
    if (!transport) return;
    this.state = transport.status().state === 'disconnected' ? 'disconnected' : 'connected';
    transport.onStatus((status) => {
      // The first connection is not a "re"connection: nothing to reload.
      this.state = status.state === 'connecting' ? 'connected' : status.state;
      if (status.state === 'connected' && status.generation > 1) this.generation = status.generation;
    });
  }
}
