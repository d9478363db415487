/**
 * Assembly of the report page: sections of headings, paragraphs, tables and charts into one
 * self-contained HTML file. The charts are rendered to SVG (./renderSvg.ts) and inlined;
 * the style sheet is inline; the page has no script, no image or font file, and no link
 * other than to its own headings, so it opens anywhere without network access.
 *
 * Numeric table cells carry their full-precision value in `data-value` (and a stable
 * `data-key`) beside the rounded text, so scripts and tests can read the exact numbers.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './renderSvg.js';

/** A table cell: plain text, or a number shown as `text` and kept exactly as `value`. */
export type TableCell = string | NumberCell;

/** A numeric table cell. */
export interface NumberCell {
  /** What the reader sees (rounded, with its error...). */
  text: string;
  /** The exact number, written to `data-value`. */
  value: number;
  /** A stable name of the number (e.g. "beta=2.4/plaquette/mean"), written to `data-key`. */
  key: string;
}

/** A table with a header row. */
export interface Table {
  /** Shown above the table. */
  caption: string;
  /** Column headings. */
  columns: string[];
  /** Rows of cells, as many as columns each. */
  rows: TableCell[][];
}

/** A piece of a section. */
export type Block =
  | {
      /** A sub-heading. */
      kind: 'heading';
      /** Its text. */
      text: string;
    }
  | {
      /** A paragraph of plain text. */
      kind: 'text';
      /** Its text (escaped, never interpreted as HTML). */
      text: string;
    }
  | {
      /** A table. */
      kind: 'table';
      /** The table. */
      table: Table;
    }
  | {
      /** A chart. */
      kind: 'chart';
      /** File-name-safe name, unique in the report (used for `--svg DIR/<name>.svg`). */
      name: string;
      /** The Vega-Lite specification. */
      spec: TopLevelSpec;
      /** Shown below the chart. */
      caption?: string;
    };

/** A top-level section of the report. */
export interface Section {
  /** Its heading. */
  title: string;
  /** Its content, in order. */
  blocks: Block[];
}

/** A chart of the rendered report. */
export interface RenderedChart {
  /** Its unique, file-name-safe name. */
  name: string;
  /** Its Vega-Lite specification. */
  spec: TopLevelSpec;
  /** The SVG document. */
  svg: string;
}

/** The rendered report. */
export interface RenderedReport {
  /** The whole HTML page. */
  html: string;
  /** Every chart, in page order. */
  charts: RenderedChart[];
}

const STYLE = `
body { font-family: sans-serif; margin: 2em auto; max-width: 64em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; } h3 { margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
th { background: #f3f3f3; } td.text { text-align: left; font-family: monospace; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; max-width: 48em; }
figure svg { max-width: 100%; height: auto; }
nav ul { columns: 2; } p.meta { color: #555; }
`;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderTable(table: Table): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map((row) => {
      const cells = row.map((cell) =>
        typeof cell === 'string'
          ? `<td class="text">${escapeHtml(cell)}</td>`
          : `<td data-key="${escapeHtml(cell.key)}" data-value="${cell.value}">${escapeHtml(cell.text)}</td>`,
      );
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<caption>${escapeHtml(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** "Ensemble: su2.h5" -> "ensemble-su2-h5", for anchors. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section'
  );
}

/**
 * Renders every chart of the sections to SVG and assembles the page.
 *
 * @param title - the page title (escaped).
 * @param sections - the content, in order.
 * @param subtitle - a line under the title (what made the report, when).
 * @throws RangeError when two charts share a name or a name is not file-name-safe
 *   ([a-z0-9._-], not starting with a dot).
 */
export async function renderReport(
  title: string,
  sections: Section[],
  subtitle = '',
): Promise<RenderedReport> {
  const charts: RenderedChart[] = [];
  const names = new Set<string>();
  const parts: string[] = [];
  const anchors = new Set<string>();
  const toc: string[] = [];
  for (const section of sections) {
    let anchor = slug(section.title);
    while (anchors.has(anchor)) anchor += '-';
    anchors.add(anchor);
    toc.push(`<li><a href="#${anchor}">${escapeHtml(section.title)}</a></li>`);
    parts.push(`<section id="${anchor}">\n<h2>${escapeHtml(section.title)}</h2>`);
    for (const block of section.blocks) {
      switch (block.kind) {
        case 'heading':
          parts.push(`<h3>${escapeHtml(block.text)}</h3>`);
          break;
        case 'text':
          parts.push(`<p>${escapeHtml(block.text)}</p>`);
          break;
        case 'table':
          parts.push(renderTable(block.table));
          break;
        case 'chart': {
          if (!/^[a-z0-9_-][a-z0-9._-]*$/.test(block.name) || names.has(block.name)) {
            throw new RangeError(
              `renderReport: invalid chart name: expected a unique name of [a-z0-9._-], got ${JSON.stringify(block.name)}`,
            );
          }
          names.add(block.name);
          // Vega numbers its clip paths per process; prefixed, ids stay unique in any page.
          const svg = (await renderSvg(block.spec)).replace(
            /\b(id="|url\(#)(clip\d+)/g,
            `$1${block.name}-$2`,
          );
          charts.push({ name: block.name, spec: block.spec, svg });
          const caption = block.caption
            ? `\n<figcaption>${escapeHtml(block.caption)}</figcaption>`
            : '';
          parts.push(
            `<figure class="chart" id="chart-${block.name}" data-chart="${block.name}">\n${svg}${caption}\n</figure>`,
          );
          break;
        }
      }
    }
    parts.push('</section>');
  }
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    subtitle ? `<p class="meta">${escapeHtml(subtitle)}</p>` : '',
    `<nav><ul>\n${toc.join('\n')}\n</ul></nav>`,
    ...parts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { html, charts };
}
