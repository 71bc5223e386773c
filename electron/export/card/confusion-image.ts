// The confusion matrix as an image for the model card: an SVG drawn here (rows = true class,
// columns = predicted class, shaded by the share of the row) rasterised to PNG by sharp.
import sharp from 'sharp';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const short = (name: string, max: number) => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

export function confusionSvg(matrix: number[][], names: string[], title: string): string {
  const k = names.length;
  const cell = Math.max(16, Math.min(64, Math.floor(640 / Math.max(1, k))));
  const label = Math.min(160, 24 + 7 * Math.max(...names.map((n) => Math.min(n.length, 20))));
  const left = label + 28;
  const top = label + 48;
  const size = cell * k;
  // Wide enough for the title (about 9 px per character at 15 px bold).
  const width = Math.max(left + size + 16, 24 + Math.ceil(title.length * 9));
  const height = top + size + 16;
  const font = Math.max(9, Math.min(14, Math.floor(cell / 3)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="bold" fill="#111">${escapeXml(title)}</text>`,
    `<text x="${left + size / 2}" y="40" font-size="12" fill="#555" text-anchor="middle">predicted class →</text>`,
    `<text transform="translate(14 ${top + size / 2}) rotate(-90)" font-size="12" fill="#555" text-anchor="middle">true class →</text>`,
  ];
  matrix.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, c) => {
      const share = total ? count / total : 0;
      const x = left + c * cell;
      const y = top + r * cell;
      // Correct cells in blue, mistakes in red, so errors stand out whatever their size.
      const hue = r === c ? '37, 99, 235' : '220, 38, 38';
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgba(${hue}, ${(0.06 + 0.94 * share).toFixed(3)})" stroke="#ffffff"/>`);
      if (cell >= 20) {
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + font / 3}" font-size="${font}" text-anchor="middle" fill="${share > 0.55 ? '#ffffff' : '#111111'}">${count}</text>`);
      }
    });
  });
  names.forEach((name, i) => {
    const centre = i * cell + cell / 2;
    parts.push(`<text x="${left - 6}" y="${top + centre + 4}" font-size="12" text-anchor="end" fill="#111">${escapeXml(short(name, 20))}</text>`);
    parts.push(`<text transform="translate(${left + centre + 4} ${top - 6}) rotate(-60)" font-size="12" fill="#111">${escapeXml(short(name, 20))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}
