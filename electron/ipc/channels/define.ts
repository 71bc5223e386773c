// The shape of one request channel in the contract: an input schema and an output schema.
import { z } from 'zod';

export function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** The input of channels that take no arguments: still an object, and strict. */
export const none = z.strictObject({});
