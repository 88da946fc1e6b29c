/** Types for `unhomoglyph` (no bundled types): maps every confusable character to its UTS #39 prototype. */
declare module 'unhomoglyph' {
  function unhomoglyph(text: string): string;
  export = unhomoglyph;
}
