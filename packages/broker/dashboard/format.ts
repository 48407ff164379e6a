/** Formatting shared by the views. */

const numberFormat = new Intl.NumberFormat('en');

export function count(n: number): string {
  return numberFormat.format(n);
}

/** `12 s ago`, `in 3 min`: a time relative to `now`. */
export function relative(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  const text =
    abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  if (abs === 0) return 'now';
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

/** The last part of an ARN (a queue's or topic's name). */
export function arnName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A stable key for a queue across regions. */
export function queueKey(q: { region: string; name: string }): string {
  return `${q.region}/${q.name}`;
}
