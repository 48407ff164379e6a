import { snsErrors } from '../../errors.js';

/** SNS list actions return 100 items per page. */
const PAGE_SIZE = 100;

/** One page of `sorted` after the item a NextToken names (the token is that item, base64url-encoded). */
export function page<T extends string>(
  sorted: T[],
  token: string | undefined,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    if (after === '') throw snsErrors.invalidParameter('NextToken');
    start = sorted.findIndex((item) => item > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + PAGE_SIZE);
  const last = items[items.length - 1];
  const more = start + PAGE_SIZE < sorted.length && last !== undefined;
  return { items, nextToken: more ? Buffer.from(last, 'utf8').toString('base64url') : undefined };
}
