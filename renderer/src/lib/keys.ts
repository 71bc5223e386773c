// Keyboard helpers shared by the screens.

/** True while the user types in a field: shortcuts must leave those keys alone. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'range', 'button', 'submit', 'color'].includes(target.type);
  return false;
}

/** Ctrl on Linux and Windows, Cmd on macOS. */
export const primary = (event: KeyboardEvent | MouseEvent): boolean => event.ctrlKey || event.metaKey;
