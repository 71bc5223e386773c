// A model card as a list of plain blocks (headings, paragraphs, tables, lists, images), so that
// its Markdown and HTML renderings say exactly the same thing.
import { escapeXml } from './confusion-image.js';

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; headers: string[]; rows: string[][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'code'; text: string };

/** Text from the user (class and project names) must not turn into Markdown markup; in a table a "|" would split the cell. */
export function escapeMarkdown(text: string, inTable = false): string {
  return text.replace(inTable ? /[\\`*_[\]<>|#]/g : /[\\`*_[\]<>#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

const cell = (text: string) => escapeMarkdown(text, true);

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`);
        break;
      case 'paragraph':
        out.push(escapeMarkdown(b.text));
        break;
      case 'table':
        out.push(
          [
            `| ${b.headers.map(cell).join(' | ')} |`,
            `| ${b.headers.map(() => '---').join(' | ')} |`,
            ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
          ].join('\n'),
        );
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n'));
        break;
      case 'image':
        out.push(`![${escapeMarkdown(b.alt)}](${encodeURI(b.src)})`);
        break;
      case 'code':
        out.push(`\`\`\`\n${b.text}\n\`\`\``);
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f4f6}
td:not(:first-child){font-variant-numeric:tabular-nums}img{max-width:100%}pre{background:#f6f8fa;padding:.8em;overflow:auto}`;

export function toHtml(blocks: readonly Block[], title: string): string {
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `<h${b.level}>${escapeXml(b.text)}</h${b.level}>`;
      case 'paragraph':
        return `<p>${escapeXml(b.text)}</p>`;
      case 'table':
        return `<table><thead><tr>${b.headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
          .map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li>${escapeXml(i)}</li>`).join('')}</ul>`;
      case 'image':
        return `<p><img src="${escapeXml(encodeURI(b.src))}" alt="${escapeXml(b.alt)}"></p>`;
      case 'code':
        return `<pre><code>${escapeXml(b.text)}</code></pre>`;
    }
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}
