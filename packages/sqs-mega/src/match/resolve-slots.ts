import { type Resolver, resolverPath, walkBody } from './resolve.js';

/**
 * Resolves several path-cache slots of one payload at once: writes each slot's value into
 * `values[slot]` and stamps `seen[slot]` with `epoch` (see `LayoutMatcher`).
 */
export type SlotsResolver = (root: unknown, values: unknown[], seen: Uint32Array, epoch: number) => void;

/** Paths per generated function (a larger function may not be optimized). */
const CHUNK = 16;

/**
 * One function resolving `resolvers[i]` into slot `slots[i]` for every `i`: the generated walks of
 * {@link pathResolver} inlined one after the other in one body, so a payload pays one call instead of
 * one indirect call per path, and the optimizer loads a node several paths share (`event` for
 * `event.name` and `event.attributes.amount`) once. Each path answers exactly what its own resolver
 * answers; resolvers that are not generated walks are called as they are.
 */
export function slotsResolver(resolvers: readonly Resolver[], slots: Int32Array): SlotsResolver {
  if (resolvers.length > CHUNK) {
    const parts: SlotsResolver[] = [];
    for (let i = 0; i < resolvers.length; i += CHUNK)
      parts.push(slotsResolver(resolvers.slice(i, i + CHUNK), slots.subarray(i, i + CHUNK)));
    return (root, values, seen, epoch) => {
      for (const part of parts) part(root, values, seen, epoch);
    };
  }
  const fns: Resolver[] = [];
  const fn = (f: Resolver): string => `f[${fns.push(f) - 1}]`;
  let body = 'let n;\n';
  for (const [i, resolver] of resolvers.entries()) {
    const slot = slots[i] as number;
    const info = resolverPath(resolver);
    if (info?.slow === undefined || info.miss === undefined)
      body += `values[${slot}] = ${fn(resolver)}(root);\n`;
    else {
      const [slow, miss] = [fn(info.slow), fn(info.miss)];
      const answer = (value: string) => `{ values[${slot}] = ${value}; break p${i}; }`;
      body += `p${i}: {\nn = root;\n${walkBody(info.path, info.leaves, answer, slow, miss)}\n}\n`;
    }
    body += `seen[${slot}] = epoch;\n`;
  }
  const make = new Function('f', `return function resolveSlots(root, values, seen, epoch) {\n${body}};`) as (
    f: readonly Resolver[],
  ) => SlotsResolver;
  return make(fns);
}
