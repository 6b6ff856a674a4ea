/**
 * UTF-16 ↔ code point offsets. gliner-ts reports UTF-16 offsets (so `text.slice(start, end)` works in
 * JavaScript); Python, and therefore the reference and its clients, index strings by code point.
 */

/** Maps UTF-16 offsets of one text to code point offsets; O(1) per lookup after an O(n) pass. */
export class CodePointIndex {
  private readonly prefix: Uint32Array | undefined;

  constructor(text: string) {
    // Only texts with astral characters (surrogate pairs) need a table.
    if (!/[\uD800-\uDBFF]/.test(text)) {
      this.prefix = undefined;
      return;
    }
    const prefix = new Uint32Array(text.length + 1);
    let codePoints = 0;
    for (let i = 0; i < text.length; i++) {
      prefix[i] = codePoints;
      const unit = text.charCodeAt(i);
      const isHighSurrogate = unit >= 0xd800 && unit <= 0xdbff;
      const next = text.charCodeAt(i + 1);
      if (isHighSurrogate && next >= 0xdc00 && next <= 0xdfff) {
        prefix[i + 1] = codePoints;
        i++;
      }
      codePoints++;
    }
    prefix[text.length] = codePoints;
    this.prefix = prefix;
  }

  /** Code point offset of a UTF-16 offset. */
  toCodePoint(utf16Offset: number): number {
    return this.prefix === undefined ? utf16Offset : (this.prefix[utf16Offset] ?? utf16Offset);
  }
}
