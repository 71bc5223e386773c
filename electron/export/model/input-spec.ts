// The preprocessing spec as a file beside an exported model: the run's spec (the same object
// training and the parity check used) plus everything a user must do before the model sees
// pixels, spelled out, so that the file alone is enough to feed it correctly.
import type { BackboneSpec } from '../../engine/backbones/catalogue.js';
import { ALPHA_BACKGROUND, colourProfileOf } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { SCALING } from '../../onnx/input-scaling.js';

export type InputScaling = 'in-model' | 'external';

const RESIZE: Record<Preprocessing['resizeMode'], (n: number) => string> = {
  squash: (n) => `resize to ${n}x${n} ignoring the aspect ratio`,
  'center-crop': (n) => `scale the shorter side to ${n}, then crop the centre ${n}x${n} square`,
  letterbox: (n) => `scale the longer side to ${n}, then pad to ${n}x${n} with black (#000000)`,
};

export function scalingFormula(scaling: Preprocessing['scaling']): string {
  const { divisor, offset } = SCALING[scaling];
  return divisor === 1 && offset === 0 ? 'x' : `x / ${divisor}${offset ? ` - ${offset}` : ''}`;
}

/** The colour step of a spec, for READMEs: "an image is EXIF-oriented, <this>, ...". */
export function colourStep(spec: Preprocessing): string {
  return colourProfileOf(spec) === 'ignore' ? 'decoded without colour-profile conversion (an embedded ICC profile is ignored)' : 'converted to sRGB';
}

export interface InputSpecFile extends Preprocessing {
  inputScaling: InputScaling;
  input: string;
  layout: 'NHWC';
  channelOrder: 'RGB';
  dtype: 'float32';
  exif: string;
  alpha: string;
  colourSpace: string;
  resize: string;
  scalingFormula: string;
  backboneId: string;
  labels: string[];
}

export function inputSpecFile(spec: Preprocessing, backbone: BackboneSpec, labels: string[], inputScaling: InputScaling): InputSpecFile {
  const size = `[batch, ${spec.inputSize}, ${spec.inputSize}, 3]`;
  return {
    ...spec,
    inputScaling,
    input:
      inputScaling === 'in-model'
        ? `float32 ${size}, raw RGB values 0..255: the model applies the scaling itself`
        : `float32 ${size}, RGB scaled as ${scalingFormula(spec.scaling)}`,
    layout: 'NHWC',
    channelOrder: 'RGB',
    dtype: 'float32',
    exif: 'apply the EXIF orientation before resizing',
    alpha: `composite transparent pixels onto ${ALPHA_BACKGROUND}`,
    colourSpace:
      colourProfileOf(spec) === 'ignore'
        ? 'RGB values as stored in the file: ignore any embedded colour profile (no conversion to sRGB)'
        : 'sRGB: convert an embedded colour profile to sRGB',
    resize: RESIZE[spec.resizeMode](spec.inputSize),
    scalingFormula: scalingFormula(spec.scaling),
    backboneId: backbone.id,
    labels,
  };
}
