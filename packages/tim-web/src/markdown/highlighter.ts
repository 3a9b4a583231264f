import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import 'highlight.js/styles/github.css';
import type { Highlighter } from './render-markdown';

// Loaded only by a dynamic import, the first time a message holds a fenced code block, so the
// highlighter and its grammars stay out of the initial bundle. Aliases (js, ts, sh, html, yml,
// py…) come with the grammars.
const languages = { bash, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** highlight.js core with a few common languages; code in another language shows plain. */
export const highlighter: Highlighter = {
  highlight(code, language) {
    if (language === undefined || hljs.getLanguage(language) === undefined) return undefined;
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  },
};
