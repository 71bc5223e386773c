// The two Electron IPC channel names that carry the whole contract. Kept apart from the
// transport so that the preload can import them without pulling in anything else.
export const INVOKE_CHANNEL = 'studio:invoke';
export const EVENT_CHANNEL = 'studio:event';
