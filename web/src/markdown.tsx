/**
 * A tiny, safe Markdown renderer for post-mortems, comments and shift-report notes.
 *
 * Supported: headings (#..######), paragraphs (single newlines are kept as line breaks), bullet
 * and numbered lists (with [ ] / [x] task boxes), block quotes, fenced code blocks, rules (---),
 * and inline **bold**, *italic* / _italic_, `code`, [links](https://…) and bare https:// links.
 *
 * Safety: the text is parsed into React elements, never into an HTML string, so any HTML in the
 * input is shown as text (React escapes it). Links keep only http(s):, mailto: and same-site
 * paths; anything else (javascript:, data:…) is shown as plain text.
 */
import type { ReactNode } from 'react';

// ---------------------------------------------------------------------------------------------
// Blocks

export type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; lines: string[] }
  | { type: 'list'; ordered: boolean; start: number; items: Array<{ text: string; task: boolean | null }> }
  | { type: 'quote'; lines: string[] }
  | { type: 'code'; text: string }
  | { type: 'rule' };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const TASK = /^\[([ xX])\]\s+(.*)$/;

export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      blocks.push({ type: 'heading', level: h[1]!.length, text: h[2]! });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ type: 'quote', lines: body });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = !bullet;
      const items: Array<{ text: string; task: boolean | null }> = [];
      const pattern = ordered ? NUMBERED : BULLET;
      while (i < lines.length) {
        const l = lines[i]!;
        const m = pattern.exec(l);
        if (m) {
          const text = ordered ? m[2]! : m[1]!;
          const t = TASK.exec(text);
          items.push(t ? { text: t[2]!, task: t[1] !== ' ' } : { text, task: null });
          i++;
        } else if (l.trim() && /^\s{2,}/.test(l) && items.length) {
          // An indented continuation line belongs to the item above.
          items[items.length - 1]!.text += `\n${l.trim()}`;
          i++;
        } else break;
      }
      blocks.push({ type: 'list', ordered, start: ordered ? Number(numbered![1]) : 1, items });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (!l.trim() || FENCE.test(l) || HEADING.test(l) || QUOTE.test(l) || BULLET.test(l) || NUMBERED.test(l) || RULE.test(l)) break;
      body.push(l);
      i++;
    }
    blocks.push({ type: 'paragraph', lines: body });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Inline

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

/** Only http(s), mailto and same-site paths; null for anything else. */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  if (/^https?:\/\/[^\s]+$/i.test(href) || /^mailto:[^\s]+$/i.test(href)) return href;
  if (/^\/(?!\/)[^\s]*$/.test(href) || /^#[^\s]*$/.test(href)) return href;
  return null;
}

const INLINE_PATTERNS: Array<{ re: RegExp; make: (m: RegExpExecArray) => Inline }> = [
  { re: /`([^`\n]+)`/, make: (m) => ({ type: 'code', text: m[1]! }) },
  {
    re: /\[([^\]\n]+)\]\(([^()\s]+)\)/,
    make: (m) => {
      const href = safeHref(m[2]!);
      return href ? { type: 'link', href, children: parseInline(m[1]!) } : { type: 'text', text: m[0] };
    },
  },
  { re: /\*\*(?=\S)([^\n]*?\S)\*\*/, make: (m) => ({ type: 'strong', children: parseInline(m[1]!) }) },
  { re: /(?<![\w])__(?=\S)([^\n]*?\S)__(?![\w])/, make: (m) => ({ type: 'strong', children: parseInline(m[1]!) }) },
  { re: /\*(?=[^\s*])([^*\n]*?[^\s*])\*/, make: (m) => ({ type: 'em', children: parseInline(m[1]!) }) },
  { re: /(?<![\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w])/, make: (m) => ({ type: 'em', children: parseInline(m[1]!) }) },
  { re: /\bhttps?:\/\/[^\s<>()]*[^\s<>().,;:!?'"]/, make: (m) => ({ type: 'link', href: m[0], children: [{ type: 'text', text: m[0] }] }) },
];

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest) {
    let best: { index: number; length: number; node: Inline } | null = null;
    for (const p of INLINE_PATTERNS) {
      const m = p.re.exec(rest);
      if (m && (best === null || m.index < best.index)) best = { index: m.index, length: m[0].length, node: p.make(m) };
    }
    if (!best) {
      out.push({ type: 'text', text: rest });
      break;
    }
    if (best.index > 0) out.push({ type: 'text', text: rest.slice(0, best.index) });
    out.push(best.node);
    rest = rest.slice(best.index + best.length);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering (React elements only: the input's HTML is always text)

function renderInline(nodes: Inline[], key = ''): ReactNode[] {
  return nodes.map((n, i) => {
    const k = `${key}${i}`;
    switch (n.type) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={k}>{n.text}</code>;
      case 'strong':
        return <strong key={k}>{renderInline(n.children, `${k}.`)}</strong>;
      case 'em':
        return <em key={k}>{renderInline(n.children, `${k}.`)}</em>;
      case 'link': {
        const external = /^(https?:|mailto:)/i.test(n.href);
        return (
          <a key={k} href={n.href} {...(external ? { target: '_blank', rel: 'noopener noreferrer nofollow' } : {})}>
            {renderInline(n.children, `${k}.`)}
          </a>
        );
      }
    }
  });
}

/** Inline Markdown with line breaks kept. */
function renderLines(lines: string[], key: string): ReactNode[] {
  const out: ReactNode[] = [];
  lines.forEach((l, i) => {
    if (i > 0) out.push(<br key={`${key}br${i}`} />);
    out.push(...renderInline(parseInline(l), `${key}l${i}.`));
  });
  return out;
}

export function Markdown({ text, className, empty }: { text: string; className?: string; empty?: ReactNode }) {
  const blocks = parseBlocks(text);
  if (blocks.length === 0) return empty ? <div className={className ? `md ${className}` : 'md'}>{empty}</div> : null;
  return (
    <div className={className ? `md ${className}` : 'md'}>
      {blocks.map((b, i) => {
        const k = `b${i}`;
        switch (b.type) {
          case 'heading': {
            // Panels and sections on the page use h2/h3; Markdown headings sit below them.
            const H = (['h4', 'h5', 'h6', 'h6', 'h6', 'h6'] as const)[b.level - 1] ?? 'h6';
            return <H key={k}>{renderInline(parseInline(b.text), `${k}.`)}</H>;
          }
          case 'paragraph':
            return <p key={k}>{renderLines(b.lines, `${k}.`)}</p>;
          case 'quote':
            return <blockquote key={k}>{renderLines(b.lines, `${k}.`)}</blockquote>;
          case 'code':
            return (
              <pre key={k}>
                <code>{b.text}</code>
              </pre>
            );
          case 'rule':
            return <hr key={k} />;
          case 'list': {
            const items = b.items.map((it, j) => (
              <li key={j} className={it.task === null ? undefined : 'md-task'}>
                {it.task === null ? null : <input type="checkbox" checked={it.task} disabled aria-label={it.task ? 'Done' : 'Not done'} />}
                {renderLines(it.text.split('\n'), `${k}.${j}.`)}
              </li>
            ));
            return b.ordered ? (
              <ol key={k} start={b.start === 1 ? undefined : b.start}>
                {items}
              </ol>
            ) : (
              <ul key={k}>{items}</ul>
            );
          }
        }
      })}
    </div>
  );
}
