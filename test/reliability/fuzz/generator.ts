// Seeded malformed payloads for every request channel, derived from the contract itself (its
// JSON Schema), so a channel added tomorrow is fuzzed without touching this file. Each case is
// built close to a valid payload and then broken in one way: a wrong type, a missing field, a
// huge string, deep nesting, prototype-pollution keys, a path that leaves the project, NaN or
// Infinity, a huge array, an unknown key, an unknown channel. Cases the schema would accept
// are dropped: every payload sent must be one the contract refuses.
import { z } from 'zod';
import { requestChannelNames, requestChannels, type RequestChannel } from '../../../electron/ipc/contract.js';
import type { Random } from '../../../electron/engine/images/random.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export type FuzzKind =
  | 'root-type'
  | 'wrong-type'
  | 'missing-field'
  | 'huge-string'
  | 'deep-nesting'
  | 'proto-keys'
  | 'path-escape'
  | 'non-finite'
  | 'huge-array'
  | 'extra-key'
  | 'number-edge'
  | 'unknown-channel';

export interface FuzzCase {
  channel: string;
  kind: FuzzKind;
  /** The payload as a value (in-process dispatch). */
  payload: unknown;
  /** The payload as JSON text (WebSocket): NaN and Infinity have no JSON, so they stay literal and make the frame invalid. */
  payloadText: string;
}

type Path = Array<string | number>;
type Leaf = { path: Path; schema: JsonSchema; name: string };

/** Markers spliced out of JSON text (plain characters: JSON.stringify escapes control ones). */
const NON_FINITE_MARK = '@@nonfinite@@';
const DEEP_MARK = '@@deep@@';
const POISON_MARK = '@@poison@@';

/** Known patterns of the contract, with a value that matches each (a pattern cannot be sampled in general). */
const PATTERN_EXAMPLES: Record<string, string> = {
  '^#[0-9a-fA-F]{6}$': '#3366cc',
  '^[a-z0-9][a-z0-9.-]{0,99}$': 'mobilenet-v2-1.0-224',
};

function alternatives(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? [schema];
}

export function schemaOf(channel: RequestChannel): JsonSchema {
  return z.toJSONSchema(requestChannels[channel].input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** A payload close to valid: every field present, in range, by the schema alone. */
function sample(schema: JsonSchema, name: string, ctx: { projectDir: string; random: Random }): unknown {
  const choices = alternatives(schema);
  const s = choices[Math.floor(ctx.random() * choices.length)]!;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[Math.floor(ctx.random() * s.enum.length)];
  switch (s.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          .filter(([key]) => s.required?.includes(key) || ctx.random() < 0.6)
          .map(([key, child]) => [key, sample(child, key, ctx)]),
      );
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items ?? {}, name, ctx));
    case 'string':
      if (s.pattern) return PATTERN_EXAMPLES[s.pattern] ?? 'x';
      if (/path|folder/i.test(name)) return `${ctx.projectDir}/images/a.jpg`;
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
      return Math.max(1, s.minimum ?? 1);
    case 'number':
      return s.minimum ?? 0.1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Every place in a sample that a mutation can target, with the schema that governs it. */
function leaves(value: unknown, schema: JsonSchema, path: Path, name: string, out: Leaf[]): Leaf[] {
  out.push({ path, schema, name });
  const s = alternatives(schema).find((a) => (Array.isArray(value) ? a.type === 'array' : typeof value === 'object' && value !== null ? a.type === 'object' : true)) ?? schema;
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, s.items ?? {}, [...path, i], name, out));
  else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) leaves(child, s.properties?.[key] ?? {}, [...path, key], key, out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path.at(-1)!];
  return copy;
}

/** Nesting built by a loop: recursion would overflow the stack before the payload is sent. */
function nested(depth: number, array: boolean): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
}

const WRONG_VALUES: unknown[] = ['x', '', 0, -1, 1.5, true, false, null, {}, [], [1, 'two'], { nested: { deeper: [] } }, '1', '#zzzzzz', 'true', 'null'];
const NUMBER_EDGES = [-1, 0, -0.5, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE, 2 ** 31 + 1, 10_000_001, 1e21];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/**
 * Path forms the contract must refuse: NUL bytes, overlong, empty or blank, another user's home.
 * Relative forms (`etc/passwd`, `../x`, `~/…`) are no longer among them: the contract reads them
 * relative to the home folder, as a person typing a path means them (issue 16).
 */
function escapingPaths(projectDir: string): string[] {
  return [
    `${projectDir}/images/a.jpg\u0000.png`,
    `/etc/passwd\u0000`,
    `~/.ssh/id_rsa\u0000`,
    `/${'a/'.repeat(2100)}`,
    '',
    '   ',
    '~root/.ssh/id_rsa',
    '~nobody',
  ];
}

/** JSON text of a payload; NaN/Infinity are written literally (invalid JSON, as a raw frame would carry them). */
function toText(payload: unknown): string {
  const text = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? `${NON_FINITE_MARK}${value}` : value));
  return (text ?? 'undefined').replace(new RegExp(`"${NON_FINITE_MARK}(NaN|Infinity|-Infinity)"`, 'g'), '$1');
}

function nestedText(depth: number, array: boolean): string {
  return array ? `${'['.repeat(depth)}0${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

const UNKNOWN_CHANNELS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'labels:set ', 'LABELS:SET', 'labels:*', 'fs:readFile', 'shell:openExternal', 'project:delete', '', ' ', 'labels:set\u0000', '../labels:set', 'x'.repeat(99)];
const KINDS: Array<[FuzzKind, number]> = [
  ['root-type', 6],
  ['wrong-type', 22],
  ['missing-field', 10],
  ['huge-string', 3],
  ['deep-nesting', 4],
  ['proto-keys', 10],
  ['path-escape', 10],
  ['non-finite', 8],
  ['huge-array', 3],
  ['extra-key', 8],
  ['number-edge', 10],
  ['unknown-channel', 4],
];

function pickKind(random: Random): FuzzKind {
  const total = KINDS.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [kind, weight] of KINDS) if ((roll -= weight) < 0) return kind;
  return 'wrong-type';
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** One attempt at a case of `kind` for `channel`; null when the kind does not apply there. */
function attempt(channel: RequestChannel, kind: FuzzKind, ctx: { projectDir: string; random: Random; schema: JsonSchema }): FuzzCase | null {
  const { random } = ctx;
  const base = sample(ctx.schema, channel, ctx);
  const all = leaves(base, ctx.schema, [], channel, []);
  const inner = all.filter((l) => l.path.length > 0);
  const withText = (payload: unknown, payloadText = toText(payload)): FuzzCase => ({ channel, kind, payload, payloadText });

  switch (kind) {
    case 'root-type': {
      const payload = pick(random, [undefined, null, 0, 'labels', true, [], [base], 'x'.repeat(10_000), Number.NaN]);
      return withText(payload, payload === undefined ? 'null' : toText(payload));
    }
    case 'wrong-type': {
      const leaf = pick(random, all);
      // Any non-blank string is a path now (relative to the home folder), so not a wrong value there.
      const wrong = /path|folder/i.test(leaf.name) ? WRONG_VALUES.filter((v) => typeof v !== 'string' || v === '') : WRONG_VALUES;
      return withText(setAt(base, leaf.path, pick(random, wrong)));
    }
    case 'missing-field': {
      const required = inner.filter((l) => {
        const parent = all.find((p) => p.path.length === l.path.length - 1 && l.path.slice(0, -1).every((k, i) => p.path[i] === k));
        return typeof l.path.at(-1) === 'string' && parent?.schema.required?.includes(String(l.path.at(-1)));
      });
      if (required.length === 0) return null;
      return withText(deleteAt(base, pick(random, required).path));
    }
    case 'huge-string': {
      const size = pick(random, [5_000, 70_000, 300_000, 1_200_000]);
      const leaf = pick(random, all);
      return withText(setAt(base, leaf.path, pick(random, ['A', 'é', '\u0000', '/..', '%']).repeat(size)));
    }
    case 'deep-nesting': {
      const depth = pick(random, [64, 1_000, 10_000, 50_000]);
      const array = random() < 0.5;
      const leaf = pick(random, all);
      const text = toText(setAt(base, leaf.path, DEEP_MARK)).replace(`"${DEEP_MARK}"`, nestedText(depth, array));
      return withText(setAt(base, leaf.path, nested(depth, array)), text);
    }
    case 'proto-keys': {
      const key = pick(random, ['__proto__', 'constructor', 'prototype']);
      const objects = all.filter((l) => l.schema.type === 'object' || l.path.length === 0);
      const target = pick(random, objects);
      const node = target.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base);
      if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
      // JSON.parse makes "__proto__" an own key, exactly as a transport delivers it.
      const entries = Object.entries(node).map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`);
      const poison = `${JSON.stringify(key)}:{"polluted":true,"isAdmin":true,"prototype":{"polluted":true}}`;
      const text = `{${[poison, ...entries].join(',')}}`;
      const value = JSON.parse(text) as unknown;
      const payload = setAt(base, target.path, value);
      const rootText = target.path.length === 0 ? text : toText(setAt(base, target.path, POISON_MARK)).replace(`"${POISON_MARK}"`, text);
      return { channel, kind, payload: target.path.length === 0 ? value : payload, payloadText: rootText };
    }
    case 'path-escape': {
      const strings = all.filter((l) => alternatives(l.schema).some((s) => s.type === 'string'));
      const paths = strings.filter((l) => /path|folder/i.test(l.name));
      const leaf = pick(random, paths.length ? paths : strings.length ? strings : all);
      return withText(setAt(base, leaf.path, pick(random, escapingPaths(ctx.projectDir))));
    }
    case 'non-finite': {
      const numbers = all.filter((l) => alternatives(l.schema).some((s) => s.type === 'number' || s.type === 'integer'));
      const leaf = pick(random, numbers.length ? numbers : all);
      return withText(setAt(base, leaf.path, pick(random, NON_FINITE)));
    }
    case 'huge-array': {
      const arrays = all.filter((l) => alternatives(l.schema).some((s) => s.type === 'array'));
      const leaf = pick(random, arrays.length ? arrays : all);
      const max = alternatives(leaf.schema).find((s) => s.type === 'array')?.maxItems ?? 1000;
      const item = leaf.path.length && arrays.length ? (leaf.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base) as unknown[])[0] : 1;
      const length = random() < 0.1 ? 1_000_000 : pick(random, [max + 1, Math.min(max * 2, 300_000)]);
      const huge = new Array<unknown>(Math.max(max + 1, length)).fill(item);
      if (random() < 0.5) huge[Math.floor(random() * huge.length)] = pick(random, WRONG_VALUES);
      return withText(setAt(base, leaf.path, huge));
    }
    case 'extra-key': {
      const objects = all.filter((l) => l.schema.type === 'object' || l.path.length === 0);
      const target = pick(random, objects);
      const node = target.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base);
      if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
      return withText(setAt(base, target.path, { ...node, [pick(random, ['extra', 'path', 'sql', "id'; DROP TABLE labels;--", 'toString', '0'])]: pick(random, WRONG_VALUES) }));
    }
    case 'number-edge': {
      const numbers = all.filter((l) => alternatives(l.schema).some((s) => s.type === 'number' || s.type === 'integer'));
      if (numbers.length === 0) return null;
      return withText(setAt(base, pick(random, numbers).path, pick(random, NUMBER_EDGES)));
    }
    case 'unknown-channel': {
      const name = pick(random, UNKNOWN_CHANNELS);
      return { channel: name, kind, payload: base, payloadText: toText(base) };
    }
  }
}

/**
 * `count` cases, channels taken in turn so every channel gets its share; made one at a time
 * (some weigh megabytes). `stats.accepted` counts attempts the schema would have accepted:
 * those are dropped, never sent.
 */
export function* fuzzCases(count: number, options: { projectDir: string; random: Random }, stats = { accepted: 0 }): Generator<FuzzCase> {
  const schemas = new Map(requestChannelNames.map((name) => [name, schemaOf(name)]));
  let made = 0;
  for (let i = 0; made < count && i < count * 20; i++) {
    const channel = requestChannelNames[made % requestChannelNames.length]!;
    const next = attempt(channel, pickKind(options.random), { ...options, schema: schemas.get(channel)! });
    if (!next) continue;
    const known = Object.prototype.hasOwnProperty.call(requestChannels, next.channel);
    if (known && requestChannels[next.channel as RequestChannel].input.safeParse(next.payload).success) {
      stats.accepted++;
      continue;
    }
    made++;
    yield next;
  }
}

/**
 * Channels that take a file-system path, each with a payload builder putting a given string
 * at that path (the confinement part sends attack paths through them). Found from the schemas.
 */
export function pathChannels(options: { projectDir: string; random: Random }): Array<{ channel: RequestChannel; payload: (path: string) => unknown }> {
  const found: Array<{ channel: RequestChannel; payload: (path: string) => unknown }> = [];
  for (const channel of requestChannelNames) {
    const schema = schemaOf(channel);
    for (let tries = 0; tries < 12; tries++) {
      const base = sample(schema, channel, options);
      const leaf = leaves(base, schema, [], channel, []).find((l) => /^(path|paths|folder)$/.test(l.name) && typeof l.path.at(-1) !== 'undefined' && alternatives(l.schema).some((s) => s.type === 'string'));
      if (!leaf) continue;
      found.push({ channel, payload: (p) => setAt(base, leaf.path, p) });
      break;
    }
  }
  return found;
}
