// Runs named as people read them: "Run 3 · MobileNetV2 0.35 · 97.5 %" (the backbone's name,
// not its id, and the validation accuracy), the same on every screen.
import type { StudioClient } from '../../../electron/ipc/client';
import { percent } from './format';
import type { RunSummary } from './types';

export class RunNames {
  /** Backbone names by id; an id not in the list (yet) shows as itself. */
  private names = $state<ReadonlyMap<string, string>>(new Map());

  /** The client comes as a getter: screens pass their prop without capturing its first value. */
  constructor(studio: () => StudioClient) {
    void studio()
      .invoke('backbones:list', {})
      .then((list) => (this.names = new Map(list.map((b) => [b.id, b.name]))))
      .catch(() => undefined);
  }

  backbone(id: string | null): string | null {
    return id === null ? null : (this.names.get(id) ?? id);
  }

  name(run: Pick<RunSummary, 'id' | 'backboneId' | 'valAccuracy'>): string {
    const backbone = this.backbone(run.backboneId);
    return [`Run ${run.id}`, backbone, run.valAccuracy !== null ? percent(run.valAccuracy) : null].filter(Boolean).join(' · ');
  }
}
