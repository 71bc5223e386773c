// `npm run test:e2e` ends with this: the figures the end-to-end tests measured, as one JSON line.
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../../test-output/e2e');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('-figures.json')).sort() : [];
const figures = Object.assign({}, ...files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, number>));
process.stdout.write(`${JSON.stringify(figures)}\n`);
