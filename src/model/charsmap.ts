/**
 * SentencePiece's precompiled normalizer (`Precompiled` in tokenizer.json), implemented exactly.
 *
 * tokenizers.js approximates it with `String.prototype.normalize("NFKC")` plus a few replacements, which
 * differs from the real nmt_nfkc rules (e.g. for ligatures, full-width forms and zero-width characters).
 * The charsmap is a double-array trie over UTF-8 bytes whose values point into a table of NUL-terminated
 * replacement strings. We walk it the way the Rust `tokenizers` crate does: per extended grapheme cluster
 * (clusters shorter than 6 UTF-8 bytes are looked up whole first), then per code point.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly replacements: Uint8Array;
  private readonly memo = new Map<string, string | null>();

  constructor(charsmap: Uint8Array) {
    if (charsmap.byteLength < 4) throw new Error("precompiled_charsmap is too short");
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > charsmap.byteLength) {
      throw new Error("precompiled_charsmap has an invalid trie size");
    }
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + i * 4, true);
    this.replacements = charsmap.subarray(4 + trieBytes);
  }

  static fromBase64(base64: string): PrecompiledCharsmap {
    return new PrecompiledCharsmap(decodeBase64(base64));
  }

  /** Normalizes a string with the charsmap. */
  normalize(text: string): string {
    let out = "";
    for (const { segment } of graphemes(text)) {
      if (utf8Length(segment) < 6) {
        const whole = this.transform(segment);
        if (whole !== null) {
          out += whole;
          continue;
        }
      }
      for (const char of segment) out += this.transform(char) ?? char;
    }
    return out;
  }

  /** Replacement for a chunk: the value of the SHORTEST trie prefix of its bytes, as the reference does. */
  private transform(chunk: string): string | null {
    const cached = this.memo.get(chunk);
    if (cached !== undefined) return cached;
    const bytes = encoder.encode(chunk);
    const trie = this.trie;
    let result: string | null = null;
    let node = offsetOf(trie[0] ?? 0);
    for (const byte of bytes) {
      if (byte === 0) break;
      node ^= byte;
      const unit = trie[node] ?? 0;
      if (labelOf(unit) !== byte) break;
      node ^= offsetOf(unit);
      if (hasLeaf(unit)) {
        result = this.replacementAt((trie[node] ?? 0) & 0x7fffffff);
        break;
      }
    }
    if (this.memo.size < 65536) this.memo.set(chunk, result);
    return result;
  }

  private replacementAt(index: number): string {
    let end = index;
    while (end < this.replacements.length && this.replacements[end] !== 0) end++;
    return decoder.decode(this.replacements.subarray(index, end));
  }
}

function hasLeaf(unit: number): boolean {
  return ((unit >>> 8) & 1) === 1;
}

function labelOf(unit: number): number {
  // (unit & ((1 << 31) | 0xff)) as an unsigned number: a set bit 31 never equals a byte.
  return (unit & 0x800000ff) >>> 0;
}

function offsetOf(unit: number): number {
  return (unit >>> 10) * ((unit & (1 << 9)) !== 0 ? 256 : 1);
}

function utf8Length(text: string): number {
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return length;
}

let segmenter: Intl.Segmenter | undefined;
function graphemes(text: string): Iterable<{ segment: string }> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return segmenter.segment(text);
}

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
