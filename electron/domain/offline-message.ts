// The words of an offline download failure, shared by the engine that says them and the
// renderer that recognises them (and then offers the shipped backbone and import from disk).

export const OFFLINE_MESSAGE = 'This computer seems to be offline';

export function isOfflineMessage(message: string | null | undefined): boolean {
  return !!message && message.startsWith(OFFLINE_MESSAGE);
}
