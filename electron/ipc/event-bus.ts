// Main-side fan-out of event channels to whichever transports are attached.
import type { EventChannel, EventPayload } from './contract.js';

export type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A broken transport (closed socket, destroyed window) must not stop the others.
      }
    }
  }

  listen(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
