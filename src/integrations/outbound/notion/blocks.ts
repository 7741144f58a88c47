/**
 * Markdown to Notion blocks: headings, paragraphs, bulleted, numbered and to-do lists, quotes, code
 * fences and dividers, with bold, italic, inline code and links in the text. Notion caps one text
 * object at 2000 characters (https://developers.notion.com/reference/request-limits), so longer runs
 * are split.
 */

export const TEXT_LIMIT = 2000;

export interface RichText {
  type: 'text';
  text: { content: string; link?: { url: string } | null };
  annotations?: { bold?: boolean; italic?: boolean; code?: boolean };
}

export type NotionBlock = { object: 'block'; type: string } & Record<string, unknown>;

function split(content: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < content.length; i += TEXT_LIMIT) out.push(content.slice(i, i + TEXT_LIMIT));
  return out.length ? out : [''];
}

function text(content: string, annotations?: RichText['annotations'], url?: string): RichText[] {
  return split(content).map((c) => ({ type: 'text', text: { content: c, ...(url ? { link: { url } } : {}) }, ...(annotations ? { annotations } : {}) }));
}

const INLINE = /(\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)|(?<![\w*])_([^_]+)_(?!\w)|(?<![\w*])\*([^*]+)\*(?!\w)|(https?:\/\/[^\s)]+))/g;

/** Inline Markdown to rich text. */
export function richText(line: string): RichText[] {
  const out: RichText[] = [];
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    if (m.index > last) out.push(...text(line.slice(last, m.index)));
    if (m[2] !== undefined) out.push(...text(m[2], { bold: true }));
    else if (m[3] !== undefined) out.push(...text(m[3], { code: true }));
    else if (m[4] !== undefined) out.push(...text(m[4], undefined, m[5]));
    else if (m[6] !== undefined) out.push(...text(m[6], { italic: true }));
    else if (m[7] !== undefined) out.push(...text(m[7], { italic: true }));
    else if (m[8] !== undefined) out.push(...text(m[8], undefined, m[8]));
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push(...text(line.slice(last)));
  return out.length ? out : [];
}

const block = (type: string, body: Record<string, unknown>): NotionBlock => ({ object: 'block', type, [type]: body });

/** Markdown to a flat list of Notion blocks. */
export function markdownToBlocks(md: string): NotionBlock[] {
  const blocks: NotionBlock[] = [];
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(block('paragraph', { rich_text: richText(paragraph.join('\n')) }));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^```\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1]!)) code.push(lines[++i]!);
      i++;
      blocks.push(block('code', { rich_text: text(code.join('\n')), language: fence[1] || 'plain text' }));
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      blocks.push(block(`heading_${Math.min(h[1]!.length, 3)}`, { rich_text: richText(h[2]!.trim()) }));
      continue;
    }
    if (/^(-{3,}|\*{3,})\s*$/.test(line)) {
      flush();
      blocks.push(block('divider', {}));
      continue;
    }
    const todo = /^\s*[-*]\s+\[([ xX])\]\s+(.*)$/.exec(line);
    if (todo) {
      flush();
      blocks.push(block('to_do', { rich_text: richText(todo[2]!), checked: todo[1] !== ' ' }));
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      blocks.push(block('bulleted_list_item', { rich_text: richText(bullet[1]!) }));
      continue;
    }
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (numbered) {
      flush();
      blocks.push(block('numbered_list_item', { rich_text: richText(numbered[1]!) }));
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      blocks.push(block('quote', { rich_text: richText(quote[1]!) }));
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}
