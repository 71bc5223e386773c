// The wasm backend has no conv gradient kernels (if a future tfjs adds them, this test fails and
// engine/finetune/ could use plain conv layers); fine-tuning is offered anyway because it never
// differentiates a conv: the top blocks train as matMuls and shifted multiply-adds.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { capabilities, initBackend } from '../../electron/engine/backend.js';

describe('fine-tuning capability', () => {
  it('matches the conv gradient kernels the wasm backend really has', async () => {
    const info = await initBackend('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeUndefined();
    const x = tf.zeros([1, 8, 8, 4]) as tf.Tensor4D;
    const w = tf.variable(tf.zeros([3, 3, 4, 4]));
    expect(() => tf.variableGrads(() => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))).toThrow(/Conv2DBackpropFilter/);
    expect(capabilities(info)).toMatchObject({ fineTune: true, fineTuneReason: expect.stringMatching(/MobileNetV2/) });
  });
});
