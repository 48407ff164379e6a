// An old-style callback handler.
export function handler(
  event: { Records: unknown[] },
  _context: unknown,
  callback: (e?: unknown, r?: unknown) => void,
) {
  setTimeout(() => callback(null, { seen: event.Records.length }), 10);
}
