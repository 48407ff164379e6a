/** A value for an error message: JSON, cut to 80 characters; never throws (circular values, BigInts). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value); // circular, or a BigInt: never fail while reporting
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
