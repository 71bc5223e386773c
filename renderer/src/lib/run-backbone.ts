// How a run names the backbone it really used: its name at training time and the start of its
// sha256 (installDigest of the files), so two runs on different weights never look alike.
export interface RunBackbone {
  backboneId: string | null;
  backboneName: string | null;
  backboneSha256: string | null;
}

export function runBackboneName(run: RunBackbone): string {
  return run.backboneName ?? run.backboneId ?? 'unknown backbone';
}

export function runBackboneTitle(run: RunBackbone): string {
  return [run.backboneId && `id ${run.backboneId}`, run.backboneSha256 && `sha256 ${run.backboneSha256}`].filter(Boolean).join(' · ');
}

export function runBackboneLabel(run: RunBackbone): string {
  return run.backboneSha256 ? `${runBackboneName(run)} (sha256 ${run.backboneSha256.slice(0, 12)})` : runBackboneName(run);
}
