// The open request of serve mode's file browser: a picker asks, the FileBrowser modal answers.
import type { PickKind } from './path-picker';

export interface BrowseRequest {
  kind: PickKind;
  resolve: (paths: string[] | null) => void;
}

export class BrowseRequests {
  current = $state<BrowseRequest | null>(null);

  open = (kind: PickKind): Promise<string[] | null> => {
    this.current?.resolve(null);
    return new Promise((resolve) => (this.current = { kind, resolve }));
  };

  answer(paths: string[] | null): void {
    const request = this.current;
    this.current = null;
    request?.resolve(paths);
  }
}
