import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaHandler } from './invoke.js';

/** A handler module that cannot be used: names the file and the export. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
  constructor(
    readonly file: string,
    readonly exportName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Loads a handler from `file[#export]` (export default `handler`, as Lambda's `index.handler`; a
 * module whose only callable is its default export works too), resolved against `cwd`.
 * @throws {@link HandlerLoadError} when the module does not load, or the export is missing or not a function.
 */
export async function loadHandler(spec: string, cwd = process.cwd()): Promise<LambdaHandler> {
  const hash = spec.lastIndexOf('#');
  const file = hash === -1 ? spec : spec.slice(0, hash);
  const exportName = hash === -1 ? 'handler' : spec.slice(hash + 1);
  if (file === '' || exportName === '')
    throw new HandlerLoadError(
      file,
      exportName,
      `handler must be FILE or FILE#EXPORT (got ${JSON.stringify(spec)})`,
    );
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HandlerLoadError(
      file,
      exportName,
      `cannot load handler module ${file} (${path}): ${(error as Error).message ?? error}`,
      {
        cause: error,
      },
    );
  }
  const named = module[exportName];
  if (typeof named === 'function') return named as LambdaHandler;
  const fallback = module.default as Record<string, unknown> | undefined;
  if (hash === -1 && typeof fallback === 'function') return fallback as unknown as LambdaHandler;
  if (typeof fallback?.[exportName] === 'function') return fallback[exportName] as LambdaHandler;
  const callable = Object.keys(module).filter((k) => typeof module[k] === 'function');
  throw new HandlerLoadError(
    file,
    exportName,
    named === undefined
      ? `handler module ${file} has no export named ${exportName} (callable exports: ${callable.join(', ') || 'none'})`
      : `export ${exportName} of handler module ${file} is a ${typeof named}, not a function`,
  );
}
