// An ONNX graph under construction, kept as plain objects (not protobuf messages) so that the
// optimisation passes can rewrite it before it is encoded. Every value name is unique; names are
// derived from the source layer or node so a graph viewer shows where each op came from.

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  ints: (value: number[]): Attr => ({ kind: 'ints', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
};

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output; a string dimension is symbolic (the batch). */
export interface GraphIO {
  name: string;
  dims: Array<number | string>;
}

export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Initializer>();
  readonly inputs: GraphIO[] = [];
  readonly outputs: GraphIO[] = [];
  private readonly names = new Set<string>();
  private readonly sharedConstants = new Map<string, string>();

  uniqueName(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  addInput(name: string, dims: GraphIO['dims']): string {
    if (this.names.has(name)) throw new Error(`Graph input name ${name} is already taken.`);
    this.names.add(name);
    this.inputs.push({ name, dims });
    return name;
  }

  constant(hint: string, data: Float32Array, dims: number[]): string {
    const name = this.uniqueName(hint);
    this.initializers.set(name, { name, dims, data });
    return name;
  }

  /** A float32 scalar; equal scalars share one initializer (Clip bounds, scaling factors). */
  scalar(value: number): string {
    const key = `f32:${value}`;
    let name = this.sharedConstants.get(key);
    if (!name) {
      name = this.constant(`const_${value}`, Float32Array.of(value), []);
      this.sharedConstants.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 tensor (shapes, pads, axes); equal ones are shared. */
  int64s(values: number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.sharedConstants.get(key);
    if (!name) {
      name = this.uniqueName(`const_i64_${values.join('_').replace(/-/g, 'm')}`);
      this.initializers.set(name, { name, dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
      this.sharedConstants.set(key, name);
    }
    return name;
  }

  /** Appends a single-output node and returns its output's name. */
  node(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, hint: string = opType): string {
    const output = this.uniqueName(hint);
    this.nodes.push({ opType, name: output, inputs, outputs: [output], attrs });
    return output;
  }

  /**
   * Declares `value` a graph output under `outputName`. The producing node's output is renamed
   * rather than copied through an Identity, so the graph has no trailing no-op.
   */
  addOutput(value: string, outputName: string, dims: GraphIO['dims']): void {
    if (this.inputs.some((i) => i.name === value) || this.initializers.has(value)) {
      throw new Error(`Graph output ${outputName} would be an input or a constant.`);
    }
    if (value !== outputName) {
      if (this.names.has(outputName)) throw new Error(`Graph output name ${outputName} is already taken.`);
      this.names.add(outputName);
      this.replaceUses(value, outputName);
      for (const node of this.nodes) node.outputs = node.outputs.map((o) => (o === value ? outputName : o));
    }
    this.outputs.push({ name: outputName, dims });
  }

  producer(value: string): OnnxNode | undefined {
    return this.nodes.find((n) => n.outputs.includes(value));
  }

  consumers(value: string): OnnxNode[] {
    return this.nodes.filter((n) => n.inputs.includes(value));
  }

  /** Uses of a value by nodes or as a graph output. */
  useCount(value: string): number {
    return this.consumers(value).length + (this.outputs.some((o) => o.name === value) ? 1 : 0);
  }

  replaceUses(from: string, to: string): void {
    for (const node of this.nodes) node.inputs = node.inputs.map((i) => (i === from ? to : i));
  }

  removeNode(node: OnnxNode): void {
    const index = this.nodes.indexOf(node);
    if (index >= 0) this.nodes.splice(index, 1);
  }

  /** Drops initializers nothing reads any more (left behind by folding passes). */
  pruneInitializers(): void {
    const read = new Set(this.nodes.flatMap((n) => n.inputs));
    for (const name of [...this.initializers.keys()]) if (!read.has(name)) this.initializers.delete(name);
    for (const [key, name] of [...this.sharedConstants]) if (!read.has(name)) this.sharedConstants.delete(key);
  }
}
