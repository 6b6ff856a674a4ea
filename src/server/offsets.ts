/** UTF-16 offsets (JavaScript strings) → code point offsets (Python strings), for the Python-compatible route. */

/** Maps UTF-16 offsets of one text to code point offsets; offsets must fall on character boundaries. */
export function codePointMapper(text: string): (utf16: number) => number {
  // Fast path: without surrogate pairs both counts agree.
  if (!/[\uD800-\uDBFF]/.test(text)) return (utf16) => utf16;
  const prefix = new Uint32Array(text.length + 1);
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    prefix[i] = points;
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: count it at the low half.
    const pairStart = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
    if (!pairStart) points++;
  }
  prefix[text.length] = points;
  return (utf16) => prefix[utf16] as number;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
