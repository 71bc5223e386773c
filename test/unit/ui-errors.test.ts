// Every error the page shows comes with what to do next.
import { describe, expect, it } from 'vitest';
import { ErrorCode, StudioError } from '../../electron/domain/result.js';
import { explain } from '../../renderer/src/lib/errors.js';

describe('error explanations', () => {
  it('gives every error code a message, and a next step where there is one to take', () => {
    for (const code of ErrorCode.options) {
      const { message, hint } = explain(new StudioError(code, `something about ${code}`));
      expect(message, code).toContain(`something about ${code}`);
      if (!['conflict', 'cancelled'].includes(code)) expect(hint, code).toMatch(/\w{4,}/);
    }
  });

  it('turns a closed connection into "start the studio again"', () => {
    const lost = explain(new StudioError('io_error', 'The connection to the studio was closed.'));
    expect(lost).toEqual({ message: 'The studio is not running any more.', hint: expect.stringContaining('npm start') });
  });

  it('names the field of an invalid payload once', () => {
    const withIssue = explain(new StudioError('invalid_payload', 'Invalid request for project:open', ['path: path must be absolute']));
    expect(withIssue.message).toBe('Invalid request for project:open (path: path must be absolute)');
    const already = explain(new StudioError('invalid_payload', 'Invalid request: path: path must be absolute', ['path: path must be absolute']));
    expect(already.message).toBe('Invalid request: path: path must be absolute');
  });

  it('explains plain errors too', () => {
    expect(explain(new Error('boom'))).toEqual({ message: 'boom', hint: expect.any(String) });
    expect(explain('odd')).toMatchObject({ message: 'odd' });
  });
});
