/** XML text escaping for the Query codec's responses. */

// Characters that need an entity, plus those XML 1.0 cannot carry at all (C0 controls other than
// tab/LF/CR, U+FFFE, U+FFFF).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot carry
const SPECIAL = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function entity(ch: string): string {
  switch (ch) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    case '\r':
      // A literal CR would be normalised to LF by every XML parser.
      return '&#xD;';
    default:
      // Not representable in XML 1.0, even as a character reference.
      return '\uFFFD';
  }
}

/**
 * Escapes text for an XML element: the five predefined entities, CR as `&#xD;` (so it survives the
 * parser's line-end normalisation), and U+FFFD in place of characters XML 1.0 cannot represent.
 * Tab and LF stay literal: the AWS SDK's parser does not decode other character references.
 */
export function escapeXml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Fast skip of the characters that never need escaping.
    if (
      (c > 0x3e && c < 0xfffe) ||
      (c > 0x27 && c < 0x3c) ||
      c === 0x20 ||
      c === 0x21 ||
      c === 0x09 ||
      c === 0x0a
    ) {
      continue;
    }
    if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x27 || c === 0x3c || c === 0x3e || c > 0xfffd) {
      out += text.slice(from, i) + entity(text[i] as string);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}
