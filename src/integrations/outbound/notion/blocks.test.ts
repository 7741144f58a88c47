import { describe, expect, it } from 'vitest';
import { markdownToBlocks, richText, TEXT_LIMIT } from './blocks.js';

describe('Markdown to Notion blocks', () => {
  it('maps headings, lists, to-dos, quotes, code and paragraphs', () => {
    const blocks = markdownToBlocks(['# Title', '', 'First line', 'second line', '', '## Steps', '- one', '1. two', '- [x] done', '- [ ] open', '> quoted', '```sql', 'select 1;', '```', '---'].join('\n'));
    expect(blocks.map((b) => b.type)).toEqual(['heading_1', 'paragraph', 'heading_2', 'bulleted_list_item', 'numbered_list_item', 'to_do', 'to_do', 'quote', 'code', 'divider']);
    expect((blocks[1] as any).paragraph.rich_text[0].text.content).toBe('First line\nsecond line');
    expect((blocks[5] as any).to_do.checked).toBe(true);
    expect((blocks[6] as any).to_do.checked).toBe(false);
    expect((blocks[8] as any).code).toMatchObject({ language: 'sql', rich_text: [{ text: { content: 'select 1;' } }] });
  });

  it('keeps bold, italic, code and links as annotations', () => {
    const rt = richText('A **bold** and _soft_ `x` see [docs](https://example.com/a) or https://example.com/b');
    expect(rt.filter((r) => r.annotations?.bold).map((r) => r.text.content)).toEqual(['bold']);
    expect(rt.filter((r) => r.annotations?.italic).map((r) => r.text.content)).toEqual(['soft']);
    expect(rt.filter((r) => r.annotations?.code).map((r) => r.text.content)).toEqual(['x']);
    expect(rt.filter((r) => r.text.link).map((r) => r.text.link!.url)).toEqual(['https://example.com/a', 'https://example.com/b']);
    expect(rt.map((r) => r.text.content).join('')).toBe('A bold and soft x see docs or https://example.com/b');
  });

  it('splits text longer than Notion allows in one text object', () => {
    const [p] = markdownToBlocks('x'.repeat(TEXT_LIMIT * 2 + 5));
    const parts = (p as any).paragraph.rich_text as Array<{ text: { content: string } }>;
    expect(parts.map((r) => r.text.content.length)).toEqual([TEXT_LIMIT, TEXT_LIMIT, 5]);
  });
});
