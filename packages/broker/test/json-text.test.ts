import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkContent } from '../src/sqs/actions/send.js';
import { checkBody } from '../src/sqs/message-validation.js';
import { isPlainAscii, isUnescaped } from '../src/sqs/params.js';
import { decodeJsonInput } from '../src/wire/json.js';
import { isPlainJsonString, stringifyJson } from '../src/wire/json-text.js';

const kib = '0123456789abcdef'.repeat(64);
/** Long strings (past the short cut-off) with each character class JSON and SQS care about. */
const samples: string[] = [
  kib,
  `${kib}"quoted"`,
  `${kib}back\\slash`,
  `${kib}\ttab\nline\rreturn`,
  `${kib}\u007f delete`,
  `${kib}é accented`,
  `${kib}€ ✓ 中文`,
  `${kib}😀 astral`,
  `${kib}\ud800 lone high`,
  `${kib}\udc00 lone low`,
  `${kib}\u2028\u2029 separators`,
  `${kib}</script> /slash`,
  '{"order":42,"items":["a","b"]}'.repeat(10),
  ...Array.from({ length: 0x20 }, (_, code) => `${kib}${String.fromCharCode(code)}`),
  ...Array.from({ length: 0x20 }, (_, code) => `${String.fromCharCode(code)}${kib}`),
  ...[255, 256, 257].flatMap((n) => ['a'.repeat(n), `${'a'.repeat(n - 1)}"`, `${'a'.repeat(n - 1)}\u0001`]),
  'short',
  '',
  'é',
];

describe('JSON text (wire/json-text.ts)', () => {
  it('quotes every string exactly as JSON.stringify does', () => {
    for (const text of samples) assert.equal(stringifyJson(text), JSON.stringify(text), JSON.stringify(text));
  });

  it('finds a plain string plain, and one with any escaped character not', () => {
    assert.equal(isPlainJsonString(kib), true);
    assert.equal(isPlainJsonString(`${kib}\u007f`), true);
    for (const text of samples.slice(1, 4)) assert.equal(isPlainJsonString(text), false);
    for (let code = 0; code < 0x20; code++) {
      assert.equal(isPlainJsonString(`${kib}${String.fromCharCode(code)}`), false, `U+${code.toString(16)}`);
    }
    assert.equal(isPlainJsonString(`${kib}é`), false);
  });

  it('writes a ReceiveMessage output byte for byte as JSON.stringify', () => {
    const output = {
      Messages: samples.map((Body, i) => ({
        MessageId: `id-${i}`,
        ReceiptHandle: `handle-${i}`,
        MD5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
        Body,
        Attributes: i % 2 === 0 ? { SentTimestamp: '1', ApproximateReceiveCount: '2' } : undefined,
        MessageAttributes:
          i % 3 === 0
            ? Object.assign(Object.create(null), {
                __proto__: { DataType: 'String', StringValue: Body },
                n: { DataType: 'Number', StringValue: '1' },
              })
            : undefined,
      })),
    };
    assert.equal(stringifyJson(output), JSON.stringify(output));
    assert.deepEqual(JSON.parse(stringifyJson(output) as string), JSON.parse(JSON.stringify(output)));
  });

  it('follows JSON.stringify on values beside plain strings and objects', () => {
    const values: unknown[] = [
      { Messages: undefined },
      { Messages: [] },
      [undefined, () => 1, Symbol('s'), null, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, true],
      { a: undefined, b: () => 1, c: Symbol('s'), d: null, e: 0, f: false },
      { date: new Date(0), buffer: Buffer.from('hi'), boxed: new String(kib), map: new Map([[1, 2]]) },
      { toJSON: () => ({ replaced: kib }) },
      Object.assign([1, 2], { extra: 'ignored' }),
      // biome-ignore lint/suspicious/noSparseArray: a hole is written null, as JSON.stringify does
      [1, , 3],
      { [Symbol('key')]: 'left out', 'quote"key': kib, ключ: 'значение' },
      'top-level string',
      42,
      null,
    ];
    for (const value of values) assert.equal(stringifyJson(value), JSON.stringify(value));
    assert.equal(stringifyJson(undefined), undefined);
  });
});

describe('message body check (fast path for ASCII)', () => {
  it('accepts long ASCII bodies with tab, LF, CR and DEL', () => {
    checkBody(`${kib}\t\n\r\u007f`);
  });

  it('refuses each other control character in a long ASCII body, wherever it is', () => {
    for (let code = 0; code < 0x20; code++) {
      if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
      const char = String.fromCharCode(code);
      for (const body of [`${char}${kib}`, `${kib}${char}`, `${kib.slice(0, 500)}${char}${kib.slice(500)}`]) {
        assert.throws(() => checkBody(body), { name: 'InvalidMessageContents' }, `U+${code.toString(16)}`);
      }
    }
  });

  it('still refuses lone surrogates and U+FFFE in long bodies', () => {
    for (const bad of ['\ud800', '\udfff', '\ufffe', '\uffff']) {
      assert.throws(() => checkBody(`${kib}${bad}`), { name: 'InvalidMessageContents' });
    }
    checkBody(`${kib}😀é€`);
  });
});

describe('JSON input with no backslash (decodeJsonInput)', () => {
  it('is marked, invisibly, and a body with an escape is not', () => {
    const plain = decodeJsonInput(Buffer.from(`{"Entries":[{"Id":"a","MessageBody":"${kib}"}]}`));
    assert.ok(plain);
    assert.equal(isUnescaped(plain), true);
    assert.deepStrictEqual(plain, { Entries: [{ Id: 'a', MessageBody: kib }] });
    assert.deepEqual(Object.keys(plain), ['Entries']);
    assert.equal(JSON.stringify(plain), `{"Entries":[{"Id":"a","MessageBody":"${kib}"}]}`);
    for (const escaped of ['\\u0001', '\\n', '\\"', '\\\\', '\\/']) {
      const input = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}${escaped}"}`));
      assert.ok(input);
      assert.equal(isUnescaped(input), false, escaped);
    }
  });

  it('is marked ASCII only when every byte is, and counts a body in UTF-8 bytes either way', () => {
    const ascii = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}\u007f"}`)) as Record<string, unknown>;
    assert.equal(isPlainAscii(ascii), true);
    assert.equal(checkContent(ascii, isUnescaped(ascii), isPlainAscii(ascii)).size, 1025);
    const accented = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}é€😀"}`)) as Record<string, unknown>;
    assert.equal(isUnescaped(accented), true);
    assert.equal(isPlainAscii(accented), false);
    assert.equal(accented.MessageBody, `${kib}é€😀`);
    assert.equal(
      checkContent(accented, isUnescaped(accented), isPlainAscii(accented)).size,
      1024 + 2 + 3 + 4,
    );
    // an escape makes a non-ASCII string out of ASCII text: not marked at all
    const escaped = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}\\u00e9"}`)) as Record<
      string,
      unknown
    >;
    assert.equal(isPlainAscii(escaped), false);
    assert.equal(checkContent(escaped, isUnescaped(escaped), isPlainAscii(escaped)).size, 1026);
  });

  it('still refuses, over the JSON wire, a body whose control character came escaped', () => {
    // the escape puts a backslash in the text: the body is checked as before
    const input = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}\\u0001"}`)) as Record<string, unknown>;
    assert.throws(() => checkContent(input, isUnescaped(input)), { name: 'InvalidMessageContents' });
    const ok = decodeJsonInput(Buffer.from(`{"MessageBody":"${kib}\u007f"}`)) as Record<string, unknown>;
    assert.equal(checkContent(ok, isUnescaped(ok)).body, `${kib}\u007f`);
  });
});
