// Preloaded (`node --require`) into a broker that runs on another Node than the one the checkout's
// better-sqlite3 was compiled for (bench:broker's Node 22 columns): better-sqlite3 loads its addon with
// `require('bindings')('better_sqlite3.node')`; this answers that one call with the addon compiled for
// this Node, whose path is in MEGA_BENCH_SQLITE_ADDON (bench/broker/peers.ts sqliteAddonFor).
const Module = require('node:module');

const addon = process.env.MEGA_BENCH_SQLITE_ADDON;
if (!addon) throw new Error('sqlite-addon.cjs: MEGA_BENCH_SQLITE_ADDON is not set');
const load = Module.prototype.require;
Module.prototype.require = function require(id, ...rest) {
  if (id !== 'bindings') return load.call(this, id, ...rest);
  const bindings = load.call(this, id, ...rest);
  return (name) => (name === 'better_sqlite3.node' ? load.call(this, addon) : bindings(name));
};
