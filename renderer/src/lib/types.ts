// Contract types the components use, re-exported from the one contract.
export type { RequestOutput, RequestInput, EventPayload } from '../../../electron/ipc/contract';
export type { ProjectInfo, ClassRow, ImageRow, LabelSummary, Settings } from '../../../electron/ipc/schemas';
