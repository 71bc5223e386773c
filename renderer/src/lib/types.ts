// Contract types the components use, re-exported from the one contract.
export type { RequestOutput, RequestInput, EventPayload } from '../../../electron/ipc/contract';
export type {
  ProjectInfo,
  ClassRow,
  ImageRow,
  ImageFilter,
  ImageSort,
  LabelSummary,
  Settings,
  RecentProject,
  JobInfo,
  JobKind,
  ImportReport,
  ImportSummary,
  HealthReport,
  HealthFinding,
  Split,
  RunSummary,
} from '../../../electron/ipc/schemas';

/** "Show these images in the library", from another screen (a health finding, a confusion cell). */
export interface OpenRequest {
  ids: number[];
  title: string;
  /** Bumped per request, so the same images asked for twice still open. */
  seq: number;
}
