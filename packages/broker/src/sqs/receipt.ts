import { randomBytes } from 'node:crypto';
import { sqsErrors } from '../errors.js';

/** What a receipt handle points at: one receive of one message. */
export interface Receipt {
  queueId: number;
  seq: number;
  token: string;
}

const boot = randomBytes(6).toString('hex');
let counter = 0;

/** A fresh token for one receive: unique across restarts (boot id + counter). */
export function newReceiptToken(): string {
  counter++;
  return `${boot}${counter.toString(36)}`;
}

/** Encodes an opaque receipt handle (base64url). */
export function encodeReceipt(r: Receipt): string {
  return Buffer.from(`${r.queueId}:${r.seq}:${r.token}`, 'utf8').toString('base64url');
}

const SHAPE = /^(\d{1,15}):(\d{1,19}):([0-9a-z]{13,40})$/;

/** Decodes a receipt handle; garbage is `ReceiptHandleIsInvalid`. */
export function decodeReceipt(handle: string): Receipt {
  const match =
    handle.length <= 1024 ? SHAPE.exec(Buffer.from(handle, 'base64url').toString('latin1')) : null;
  if (!match) throw sqsErrors.receiptHandleIsInvalid(handle);
  return { queueId: Number(match[1]), seq: Number(match[2]), token: match[3] as string };
}
