// Renders resources/icon.svg into the PNG sizes the packagers and the window use
// (resources/icons/NxN.png): Linux takes the folder, Windows the 256 px one, macOS the 1024 px
// one (electron-builder converts them to .ico and .icns). Run again after editing the SVG.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

const resources = path.resolve(import.meta.dirname, '../resources');

export async function makeIcons(svgFile = path.join(resources, 'icon.svg'), outDir = path.join(resources, 'icons')): Promise<string[]> {
  const svg = fs.readFileSync(svgFile);
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const size of ICON_SIZES) {
    const file = path.join(outDir, `${size}x${size}.png`);
    // Rasterised at the target size (density scales the 64-unit viewBox), not downscaled from
    // one big bitmap, so small sizes stay crisp.
    await sharp(svg, { density: Math.max(72, (72 * size) / 64) })
      .resize(size, size)
      .png({ compressionLevel: 9 })
      .toFile(file);
    written.push(file);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const files = await makeIcons();
  for (const file of files) console.log(path.relative(process.cwd(), file));
}
