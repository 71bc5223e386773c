// Every error the user sees says what happened and what to do next.
import { StudioError } from '../../../electron/domain/result';

export interface Explained {
  message: string;
  hint: string | null;
}

const CONNECTION_LOST = /connection to the studio was closed|Could not connect/;

export function explain(error: unknown): Explained {
  if (!(error instanceof StudioError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { message, hint: 'If this keeps happening, reload the page.' };
  }
  const { code, message, issues } = error;
  switch (code) {
    case 'no_project':
      return { message, hint: 'Open or create a project on the Projects screen.' };
    case 'invalid_payload':
      return { message: issues?.[0] && !message.includes(issues[0]) ? `${message} (${issues[0]})` : message, hint: 'Check the value you entered and try again.' };
    case 'not_found':
      return { message, hint: 'Check the path or the item; it may have been moved or removed.' };
    case 'conflict':
      return { message, hint: null };
    case 'io_error':
      return CONNECTION_LOST.test(message)
        ? { message: 'The studio is not running any more.', hint: 'Start it again (npm start) and open the address it prints.' }
        : { message, hint: 'Check that the path exists, the disk is connected and you may read and write there.' };
    case 'cancelled':
      return { message, hint: null };
    case 'corrupt':
      return { message, hint: 'Restore project.sqlite from a backup; `transfer-studio check PROJECT` lists what is damaged.' };
    case 'read_only':
      return { message, hint: 'Check the permissions of the project folder, or that the disk is not mounted read-only.' };
    case 'disk_full':
      return { message, hint: 'Free some space on the disk that holds the project, then try again.' };
    case 'unauthorized':
    case 'unknown_channel':
      return { message, hint: 'Reload the page from the address printed by npm start.' };
    case 'unsupported':
      return { message, hint: 'Use the path field instead; this needs the desktop window.' };
    case 'internal':
      return { message, hint: 'This is a bug in Transfer Studio. The terminal running it shows the details.' };
  }
}

/** One line for an inline error: what happened and, where known, what to do next. */
export function errorText(error: unknown): string {
  const { message, hint } = explain(error);
  return hint ? `${message} — ${hint}` : message;
}
