import DOMPurify from 'dompurify';
import { hasFencedCode, plainTextHtml, renderMarkdown, type Highlighter } from './render-markdown';

/** Rendered messages kept, most recently used last; a timeline update re-renders none of them. */
const CACHE_SIZE = 500;
const cache = new Map<string, string>();

let highlighter: Highlighter | undefined;
let loading: Promise<Highlighter> | undefined;

// Links open in a new tab without an opener; a task's checkbox and a copy button keep the
// type the renderer gave them (DOMPurify drops `type`), and nothing else gets one.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  switch (node.tagName) {
    case 'A':
      if (node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('target');
      }
      break;
    case 'INPUT':
      node.setAttribute('type', 'checkbox');
      node.setAttribute('disabled', '');
      break;
    case 'BUTTON':
      node.setAttribute('type', 'button');
      break;
  }
});

function sanitise(html: string): string {
  return DOMPurify.sanitize(html, {
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    ADD_ATTR: ['target'],
    FORBID_TAGS: ['style', 'form', 'img', 'svg', 'math', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  });
}

/** The highlighter, when a message with fenced code has already loaded it. */
export function loadedHighlighter(): Highlighter | undefined {
  return highlighter;
}

/** True when this content needs the highlighter and it has not loaded yet. */
export function needsHighlighter(content: string): boolean {
  return highlighter === undefined && hasFencedCode(content);
}

/** Loads highlight.js and its grammars once, in their own chunk. */
export function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('./highlighter').then((module) => (highlighter = module.highlighter));
  return loading;
}

/**
 * A message's content as sanitised HTML, rendered once per content, reader and highlighter
 * state. A growing message (`remember: false`) is rendered on each change but not kept: only
 * its final text is worth remembering.
 */
export function messageHtml(
  content: string,
  options: { myNick: string; highlighter?: Highlighter; remember: boolean },
): string {
  const key = `${options.highlighter === undefined ? 0 : 1}\u0000${options.myNick}\u0000${content}`;
  const known = cache.get(key);
  if (known !== undefined) {
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  // Plain text needs neither the parser nor the sanitiser: its only markup is the paragraph.
  const html =
    plainTextHtml(content) ??
    sanitise(renderMarkdown(content, { myNick: options.myNick, highlighter: options.highlighter }));
  if (options.remember) {
    cache.set(key, html);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value ?? key);
  }
  return html;
}
