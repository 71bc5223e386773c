// The augmentation preview: the same draw and the same decode that training uses, so what the
// user sees is what the backbone will see (view 0 is the untouched image).
import type { Augmentation, Preprocessing } from '../../domain/schemas.js';
import { drawAugmentation } from './augment.js';
import { decodeForModel, previewWebp, type ImageSource } from './decode.js';

export async function augmentPreview(
  source: ImageSource,
  preprocessing: Preprocessing,
  augmentation: Augmentation,
  options: { key: string; count: number; seed: number },
): Promise<Array<{ view: number; webp: Buffer }>> {
  const views = Array.from({ length: options.count }, (_, i) => i);
  return Promise.all(
    views.map(async (view) => {
      const decoded = await decodeForModel(source, preprocessing, drawAugmentation(augmentation, options.key, view, options.seed));
      return { view, webp: await previewWebp(decoded) };
    }),
  );
}
