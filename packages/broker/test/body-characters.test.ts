import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkBody } from '../src/sqs/message-validation.js';

/** SQS's rule, code point by code point: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
function allowedBySqs(body: string): boolean {
  for (const char of body) {
    const c = char.codePointAt(0) as number;
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return false; // a lone surrogate iterates as itself, in 0xD800–0xDFFF
  }
  return true;
}

const accepts = (body: string): boolean => {
  try {
    checkBody(body);
    return true;
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'InvalidMessageContents');
    return false;
  }
};

describe('message body characters', () => {
  it('accepts and rejects each boundary of the allowed ranges, in Latin-1 and in two-byte text', () => {
    const cases: Array<[string, boolean]> = [
      ['\t\n\r', true],
      ['\u0000', false],
      ['\u0008', false],
      ['\u000b', false],
      ['\u001f', false],
      [' ~\u007f\u0085\u00ff', true],
      ['\ud7ff', true],
      ['\ue000', true],
      ['\ufffd', true],
      ['\ufffe', false],
      ['\uffff', false],
      ['\u{10000}\u{1f600}\u{10ffff}', true],
      ['\ud800', false],
      ['\udbff', false],
      ['\udc00', false],
      ['\udfff', false],
      ['\ude00\ud83d', false], // a pair in the wrong order is two lone surrogates
    ];
    for (const [chars, ok] of cases) {
      for (const body of [chars, `é ${chars} é`, `ü ✓ ${chars}`, `${'x'.repeat(1000)}${chars}`]) {
        assert.equal(accepts(body), ok, JSON.stringify(body));
      }
    }
  });

  it('agrees with the rule on any string of UTF-16 code units', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(
        0x9,
        0xa,
        0xd,
        0x1f,
        0x20,
        0xd7ff,
        0xd800,
        0xdbff,
        0xdc00,
        0xdfff,
        0xe000,
        0xfffd,
        0xfffe,
      ),
    );
    const body = fc.array(unit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(body, (b) => accepts(b) === allowedBySqs(b)),
      { numRuns: 5000 },
    );
  });
});
