// Conversion fails loudly and specifically: the user sees which layer (or graph node) of which
// class stopped the export, and the embedding ladder logs it as the reason for falling back.

export class OnnxConversionError extends Error {
  override name = 'OnnxConversionError';
}

export class UnsupportedLayerError extends OnnxConversionError {
  override name = 'UnsupportedLayerError';
  constructor(
    readonly layerName: string,
    readonly className: string,
    detail?: string,
  ) {
    super(`Cannot convert layer "${layerName}" (${className}) to ONNX: ${detail ?? 'this layer type is not supported'}.`);
  }
}

export class UnsupportedOpError extends OnnxConversionError {
  override name = 'UnsupportedOpError';
  constructor(
    readonly nodeName: string,
    readonly op: string,
    detail?: string,
  ) {
    super(`Cannot convert graph node "${nodeName}" (op ${op}) to ONNX: ${detail ?? 'this op is not supported'}.`);
  }
}
