import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, escapeSlackText, fallbackText, renderMessageBlocks, truncate } from './blocks.js';

describe('Block Kit rendering', () => {
  it('escapes Slack control characters', () => {
    expect(escapeSlackText('a < b && c > d <!channel>')).toBe('a &lt; b &amp;&amp; c &gt; d &lt;!channel&gt;');
  });

  it('renders no header for an empty subject and no actions block without actions', () => {
    expect(renderMessageBlocks({ subject: ' ', text: 'body' })).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'body' } }]);
  });

  it('splits long text into sections of at most 3000 characters without cutting an entity', () => {
    const text = `${'a'.repeat(2998)}&${'b'.repeat(4000)}`;
    const blocks = renderMessageBlocks({ subject: 'S', text });
    const sections = blocks.filter((b) => b.type === 'section') as { text: { text: string } }[];
    expect(sections.length).toBe(3);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sections.map((s) => s.text.text).join('')).toBe(escapeSlackText(text));
    expect(sections[0]!.text.text.endsWith('a')).toBe(true);
  });

  it('keeps within 50 blocks and 25 buttons per actions block, truncating labels', () => {
    const actions = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, label: `${'L'.repeat(100)}${i}`, value: 'v'.repeat(2500) }));
    const blocks = renderMessageBlocks({ subject: 'x'.repeat(200), text: 'y'.repeat(3000 * 60), actions });
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const header = blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBe(150);
    const actionBlocks = blocks.filter((b) => b.type === 'actions') as { block_id: string; elements: { text: { text: string }; value: string }[] }[];
    expect(actionBlocks.map((b) => b.elements.length)).toEqual([25, 5]);
    expect(new Set(actionBlocks.map((b) => b.block_id)).size).toBe(2);
    expect(actionBlocks[0]!.elements[0]!.text.text.length).toBe(75);
    expect(actionBlocks[0]!.elements[0]!.value.length).toBe(2000);
  });

  it('builds the notification fallback from subject and text', () => {
    expect(fallbackText({ subject: 'Alert', text: 'x > y' })).toBe('Alert: x &gt; y');
    expect(fallbackText({ subject: '', text: 'only text' })).toBe('only text');
    expect(fallbackText({ subject: '', text: '' })).toBe(' ');
  });

  it('truncate never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});
