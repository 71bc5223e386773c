// Imported first by main.ts, before any schema is built: zod probes `new Function` when it
// builds an object schema, which the desktop window's CSP (no eval) reports as a violation.
// Without eval it uses its interpreter, as it would after a failed probe anyway.
import { z } from 'zod';

z.config({ jitless: true });
