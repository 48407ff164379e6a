import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMegaEvent, MegaEventError, readMegaEvent, readPayload } from '../src/index.js';

const minimal = {
  protocol: 'mega',
  version: 1,
  event: { name: 'test', timestamp: '2020-05-04T15:53:27.823', subject: 'Hello World!' },
};

describe('MEGA event builder', () => {
  it('fills defaults: timestamp now in UTC ISO-8601, event and object versions 1, empty attributes', () => {
    const e = createMegaEvent(
      { name: 'user.created', object: { id: '42' } },
      () => new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)),
    );
    assert.deepEqual(e, {
      protocol: 'mega',
      version: 1,
      event: { name: 'user.created', timestamp: '2024-02-03T04:05:06.007Z', version: 1, attributes: {} },
      object: { id: '42', version: 1 },
    });
  });

  it('keeps the given fields and converts a Date timestamp to ISO-8601 UTC', () => {
    const e = createMegaEvent({
      name: 'shopping_cart.item-added',
      timestamp: new Date('2020-05-04T15:53:27.823Z'),
      version: 2,
      domain: 'cart',
      subject: '987650',
      publisher: 'cart-service',
      attributes: { quantity: 5 },
      object: { current: { id: 1 }, previous: { id: 0 }, type: 'cart', version: 3 },
      extra: { trace: 'abc' },
    });
    assert.equal(e.event.timestamp, '2020-05-04T15:53:27.823Z');
    assert.equal(e.event.version, 2);
    assert.equal(e.object?.version, 3);
    assert.deepEqual(e.extra, { trace: 'abc' });
  });

  const rejects: [string, Record<string, unknown>, string][] = [
    ['an upper-case name', { name: 'User.Created' }, 'event.name'],
    ['an empty name', { name: '' }, 'event.name'],
    ['a name with spaces', { name: 'user created' }, 'event.name'],
    ['a timestamp that is not ISO-8601', { name: 'a', timestamp: 'yesterday' }, 'event.timestamp'],
    ['a fractional version', { name: 'a', version: 1.5 }, 'event.version'],
    ['a zero version', { name: 'a', version: 0 }, 'event.version'],
    ['a numeric subject', { name: 'a', subject: 42 }, 'event.subject'],
    ['attributes that are a list', { name: 'a', attributes: [1] }, 'event.attributes'],
    ['an object version as a string', { name: 'a', object: { version: '2' } }, 'object.version'],
    ['extra that is a string', { name: 'a', extra: 'x' }, 'extra'],
  ];
  for (const [what, input, field] of rejects) {
    it(`rejects ${what}, naming the field ${field}`, () => {
      assert.throws(
        () => createMegaEvent(input as never),
        (error: unknown) =>
          error instanceof MegaEventError && error.field === field && error.message.includes(field),
      );
    });
  }
});

describe('MEGA event reader (tolerant)', () => {
  it('reads the minimal event from the protocol notes, defaulting event.version to 1', () => {
    const read = readPayload(minimal);
    assert.equal(read.kind, 'mega');
    if (read.kind !== 'mega') return;
    assert.equal(read.event.event.name, 'test');
    assert.equal(read.event.event.version, 1);
    assert.equal(read.event.event.subject, 'Hello World!');
  });

  it('turns unknown event.* keys into attributes (explicit attributes win on a clash)', () => {
    const e = readMegaEvent({
      ...minimal,
      event: { ...minimal.event, username: 'john.doe', email: 'x', attributes: { email: 'y', ssn: '1' } },
    });
    assert.deepEqual(e.event.attributes, { username: 'john.doe', email: 'y', ssn: '1' });
  });

  it('treats a payload that is not protocol mega v1 as data, not an error', () => {
    for (const value of [
      { type: 'user_notification' },
      { protocol: 'mega', version: 2, event: {} },
      { protocol: 'mega', version: '1', event: {} },
      { protocol: 'other', version: 1 },
      [1, 2],
      42,
      null,
    ]) {
      assert.deepEqual(readPayload(value), { kind: 'data', data: value });
    }
  });

  it('reports an invalid MEGA payload with the reason and the field', () => {
    const read = readPayload({ protocol: 'mega', version: 1, event: { name: 'ok', timestamp: 'soon' } });
    assert.equal(read.kind, 'invalid');
    if (read.kind !== 'invalid') return;
    assert.equal(read.error.field, 'event.timestamp');
    assert.match(read.error.message, /ISO-8601/);
  });

  it('reports a MEGA payload without an event section as invalid', () => {
    const read = readPayload({ protocol: 'mega', version: 1 });
    assert.equal(read.kind, 'invalid');
    if (read.kind === 'invalid') assert.equal(read.error.field, 'event');
  });
});
