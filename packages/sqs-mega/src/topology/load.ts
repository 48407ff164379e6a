import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TopologyError } from './errors.js';
import type { Topology } from './types.js';

/**
 * Reads a topology file: JSON (`.json`), or a JavaScript module (`.mjs`, `.js`) whose default export
 * is the topology object. The content is checked when planned or applied.
 */
export async function loadTopologyFile(file: string): Promise<Topology> {
  const ext = extname(file);
  if (ext === '.json') {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text) as Topology;
    } catch (error) {
      throw new TopologyError(file, undefined, `is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (ext === '.mjs' || ext === '.js') {
    const module = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
    if (module.default === undefined)
      throw new TopologyError(file, undefined, 'must export the topology as its default export');
    return module.default as Topology;
  }
  throw new TopologyError(file, ext, 'must be a .json, .mjs or .js file');
}
