/*
 * The matching rule of search, written out for stores without a full-text index (memory) and
 * for tests: a message matches when every term begins one of its words. Words are split like
 * `searchTerms` splits a query: runs of letters and digits, lower case.
 */

export function wordsOf(content: string): string[] {
  return content.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Every term (already lower case) is a prefix of some word; no terms match nothing. */
export function matchesTerms(words: readonly string[], terms: readonly string[]): boolean {
  return terms.length > 0 && terms.every((term) => words.some((word) => word.startsWith(term)));
}
