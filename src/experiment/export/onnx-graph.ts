// A small ONNX graph builder over the `onnx-proto` protobuf classes: float/int64
// initializers stored as raw little-endian bytes, nodes with typed attributes, and unique
// value names, so onnx.ts can describe the Llama graph as a plain sequence of ops.

import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

export const ONNX_FLOAT = onnx.TensorProto.DataType.FLOAT;
export const ONNX_INT64 = onnx.TensorProto.DataType.INT64;

export type Attr = number | number[] | string;

function attribute(name: string, v: Attr): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  // Every scalar attribute of the ops we emit (axis, keepdims) is an integer; constants such
  // as RMSNorm's epsilon are initializers instead.
  if (!Number.isInteger(v)) throw new Error(`attribute ${name}: only integer scalars are supported`);
  return { name, type: T.INT, i: v };
}

export class GraphBuilder {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  private names = new Set<string>();
  private counter = 0;

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let n = `${prefix}`;
    while (this.names.has(n)) n = `${prefix}_${++this.counter}`;
    this.names.add(n);
    return n;
  }

  floatInit(name: string, dims: number[], data: ArrayLike<number>): string {
    const f = Float32Array.from(data);
    const bytes = new Uint8Array(f.length * 4);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < f.length; i++) dv.setFloat32(i * 4, f[i], true);
    this.names.add(name);
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData: bytes });
    return name;
  }

  int64Init(name: string, data: number[]): string {
    const bytes = new Uint8Array(data.length * 8);
    const dv = new DataView(bytes.buffer);
    data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims: [data.length], dataType: ONNX_INT64, rawData: bytes });
    return n;
  }

  /**
   * Adds one node; returns its output's name. `label` is appended to the node's name, which
   * runtimes quote in their errors (e.g. the sequence-length limit on nodes that read the position tables).
   */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, out = opType.toLowerCase(), label = ''): string {
    const output = this.fresh(out);
    this.nodes.push({
      opType, input: inputs, output: [output], name: `${opType}_${this.nodes.length}${label ? `_${label}` : ''}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }
}

export interface ValueInfo {
  name: string;
  elemType: number;
  /** A number for a fixed dimension, a string for a symbolic one. */
  dims: Array<number | string>;
}

function valueInfo(v: ValueInfo) {
  return {
    name: v.name,
    type: { tensorType: { elemType: v.elemType, shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Encodes a model: IR version 8 (the one that goes with opsets 15-18). */
export function encodeModel(
  g: GraphBuilder, o: { name: string; opset: number; inputs: ValueInfo[]; outputs: ValueInfo[]; doc: string; metadata: Record<string, string> },
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: o.opset }],
    producerName: 'lora-lab',
    producerVersion: '1',
    docString: o.doc,
    metadataProps: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: o.name, node: g.nodes, initializer: g.initializers,
      input: o.inputs.map(valueInfo), output: o.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Decodes a model (tests and the import check use it to read a file back). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
