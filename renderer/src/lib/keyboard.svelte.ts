// Who owns the keyboard. An open dialog (classes, shortcut help) claims it, so a screen's
// single-key shortcuts stay quiet behind it; a dialog that shares the keys with the screen
// beneath (the library's large view) does not claim it. Screens ask `keyboard.free`.
class KeyboardOwners {
  private claims = $state(0);

  /** True while no dialog has claimed the keyboard. */
  get free(): boolean {
    return this.claims === 0;
  }

  /** Claims the keyboard until the returned release is called (once). */
  claim(): () => void {
    this.claims++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.claims--;
    };
  }
}

export const keyboard = new KeyboardOwners();
