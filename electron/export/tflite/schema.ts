// The slice of TensorFlow Lite's published flatbuffer schema (tensorflow/lite/schema/schema.fbs,
// file identifier "TFL3") that the studio writes and reads: enum values and table field slots.
// The numbers are the schema's; the names follow it so a reader can check them side by side.

export const FILE_IDENTIFIER = 'TFL3';
export const SCHEMA_VERSION = 3;

export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, INT8: 9 } as const;
export type TensorTypeName = keyof typeof TensorType;

export const BuiltinOperator = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  TANH: 28,
  PAD: 34,
  MEAN: 40,
  SUB: 41,
  DIV: 42,
  MAXIMUM: 55,
  MINIMUM: 57,
  QUANTIZE: 114,
} as const;
export type OpName = keyof typeof BuiltinOperator;

export const BuiltinOptions = {
  NONE: 0,
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  AddOptions: 11,
  ReshapeOptions: 17,
  MulOptions: 21,
  PadOptions: 22,
  ReducerOptions: 27,
  SubOptions: 28,
  DivOptions: 29,
} as const;

export const Padding = { SAME: 0, VALID: 1 } as const;
export const Activation = { NONE: 0, RELU: 1, RELU6: 3 } as const;
export type ActivationName = keyof typeof Activation;

/** Field slots (the n-th field of a table, in schema order). */
export const Slot = {
  Model: { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6, signatureDefs: 7 },
  OperatorCode: { deprecatedBuiltinCode: 0, version: 2, builtinCode: 3 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Tensor: { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4 },
  QuantizationParameters: { scale: 2, zeroPoint: 3, quantizedDimension: 6 },
  Operator: { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 },
  Buffer: { data: 0 },
  Metadata: { name: 0, buffer: 1 },
  SignatureDef: { inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 },
  TensorMap: { name: 0, tensorIndex: 1 },
} as const;

/** The options table of each op: its union tag and its fields' slots. */
export const OptionFields = {
  Conv2DOptions: { padding: 0, strideW: 1, strideH: 2, fusedActivation: 3, dilationW: 4, dilationH: 5 },
  DepthwiseConv2DOptions: { padding: 0, strideW: 1, strideH: 2, depthMultiplier: 3, fusedActivation: 4, dilationW: 5, dilationH: 6 },
  Pool2DOptions: { padding: 0, strideW: 1, strideH: 2, filterWidth: 3, filterHeight: 4, fusedActivation: 5 },
  FullyConnectedOptions: { fusedActivation: 0, keepNumDims: 2 },
  SoftmaxOptions: { beta: 0 },
  AddOptions: { fusedActivation: 0 },
  MulOptions: { fusedActivation: 0 },
  SubOptions: { fusedActivation: 0 },
  DivOptions: { fusedActivation: 0 },
  ReshapeOptions: { newShape: 0 },
  ReducerOptions: { keepDims: 0 },
  PadOptions: {},
} as const;
