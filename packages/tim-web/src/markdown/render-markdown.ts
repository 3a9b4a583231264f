import { Marked, Renderer, type Tokens } from 'marked';
import { splitMentions } from '../view-models/mentions';

/** Turns code into highlighted HTML (escaped text in spans), or undefined for a language it does not know. */
export interface Highlighter {
  highlight(code: string, language: string | undefined): string | undefined;
}

export interface RenderOptions {
  /** Mentions of this nick are marked as the reader's. */
  myNick?: string;
  /** Highlights fenced code; without it code shows plain. */
  highlighter?: Highlighter;
}

/** The only link targets a message may have; anything else shows as its text. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** A fenced code block opens on a line of three backticks or tildes (CommonMark). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/m;

/** True when the content holds a fenced code block, the only thing that needs the highlighter. */
export function hasFencedCode(content: string): boolean {
  return FENCE.test(content);
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The absolute http(s) or mailto URL, or undefined for every other scheme and for relative links. */
export function safeHref(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

function linkHtml(href: string, title: string | null | undefined, inner: string): string {
  const titled = title ? ` title="${escapeHtml(title)}"` : '';
  return `<a href="${escapeHtml(href)}"${titled} target="_blank" rel="noopener noreferrer">${inner}</a>`;
}

/** Plain text with the `@nick` mentions marked, escaped. */
function textWithMentions(text: string, myNick: string | undefined): string {
  if (!text.includes('@')) return escapeHtml(text);
  return splitMentions(text, myNick)
    .map((part) =>
      part.kind === 'mention'
        ? `<mark class="mention${part.isMe ? ' me' : ''}" data-nick="${escapeHtml(part.nick)}">${escapeHtml(part.text)}</mark>`
        : escapeHtml(part.text),
    )
    .join('');
}

function createRenderer(options: RenderOptions): Renderer {
  const renderer = new Renderer();
  // No raw HTML: a tag someone typed shows as the text they typed.
  renderer.html = (token) => (token.block ? `<p>${escapeHtml(token.text)}</p>` : escapeHtml(token.text));
  renderer.text = function (token) {
    if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
    // An escape token (`\*`) carries text marked already escaped.
    if ('escaped' in token && token.escaped) return token.text;
    return textWithMentions(token.text, options.myNick);
  };
  renderer.link = function ({ href, title, text, tokens, autolink }: Tokens.Link) {
    const inner = autolink ? escapeHtml(text) : this.parser.parseInline(tokens);
    const safe = safeHref(href);
    return safe === undefined ? inner : linkHtml(safe, title, inner);
  };
  // Pictures are not fetched from wherever a message points: an image shows as a link to it.
  renderer.image = ({ href, title, text }: Tokens.Image) => {
    const safe = safeHref(href);
    const label = escapeHtml(text || href);
    return safe === undefined ? label : linkHtml(safe, title, label);
  };
  renderer.code = ({ text, lang }: Tokens.Code) => {
    const language = /^[\w+#-]+/.exec(lang ?? '')?.[0];
    const highlighted = options.highlighter?.highlight(text, language);
    const classes = ['hljs', ...(language === undefined ? [] : [`language-${language}`])].join(' ');
    const body = highlighted ?? escapeHtml(text);
    return (
      '<div class="code-block"><button type="button" class="copy-code" aria-label="Copy code">Copy</button>' +
      `<pre><code class="${classes}">${body}</code></pre></div>\n`
    );
  };
  return renderer;
}

const CARET = '<span class="caret" aria-hidden="true"></span>';
/** The close of the last element holding text, followed only by closing tags. */
const LAST_TEXT_END = /<\/(?:p|li|h[1-6]|t[dh]|code)>(?:\s*<\/[a-z]+>)*\s*$/;

/** The rendered HTML of a growing reply with its caret after the last text, not on a line of its own. */
export function withCaret(html: string): string {
  return LAST_TEXT_END.test(html) ? html.replace(LAST_TEXT_END, `${CARET}$&`) : html + CARET;
}

/**
 * Letters, digits, emoji, spaces and the punctuation that means nothing to Markdown, GFM or
 * mentions on one line (no `\`*_~[]<>&#!@:` and the like, no line break).
 */
const INERT_CHARACTERS = /^(?:[\p{L}\p{N}\p{M}\p{Extended_Pictographic} ,.;'?"()/%$|=+-]|\u200d|\ufe0f)+$/u;
/** What could still start a block on such a line: a list item (`-`, `+`, `1.`, `1)`), a rule; or a `www.` autolink anywhere. */
const BLOCK_START_OR_AUTOLINK = /^(?:[-+]|\d{1,9}[.)])(?: |$)|^[-+=]{3,}$|www\./i;

/**
 * The HTML of a message that is plain text (most chat lines are), without parsing it:
 * exactly what `renderMarkdown` gives for it, or undefined when the content may hold any
 * Markdown. Its only markup is the paragraph around the escaped text.
 */
export function plainTextHtml(content: string): string | undefined {
  const inert = INERT_CHARACTERS.test(content) && content.trim() === content && !BLOCK_START_OR_AUTOLINK.test(content);
  return inert ? `<p>${escapeHtml(content)}</p>` : undefined;
}

/**
 * A message's Markdown (CommonMark with GFM tables, task lists, strikethrough and autolinks;
 * a line break is a break, as people type in chat) as HTML. Safe by construction: raw HTML is
 * escaped, links keep only http(s) and mailto targets and open in a new tab without an opener.
 * The browser still passes the result through DOMPurify before showing it.
 */
export function renderMarkdown(content: string, options: RenderOptions = {}): string {
  const marked = new Marked({ gfm: true, breaks: true, async: false, renderer: createRenderer(options) });
  // No newline after the last block: the element's text is the message's text.
  return marked.parse(content, { async: false }).trimEnd();
}
