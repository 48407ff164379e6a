// Per-statement SQLite times of a broker process, printed on stderr when it exits: total ms, calls,
// µs per call and the SQL, the 25 costliest first. A CPU profile charges SQLite's time to the JS
// caller; this tells the statements apart. Preload it into the broker (about 0.1 µs per call extra):
//
//   node --require ./bench/broker/statement-times.cjs packages/broker/dist/cli.js serve --in-memory
//
// then put load on it (e.g. wrk with a script of ./lua) and stop it with Ctrl-C.
const Database = require('better-sqlite3');

const times = new Map();
function record(key, start) {
  const ns = Number(process.hrtime.bigint() - start);
  const entry = times.get(key);
  if (entry) {
    entry.calls++;
    entry.ns += ns;
  } else times.set(key, { calls: 1, ns });
}

const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
probe.close();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function timed(...args) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      record(this.source.replace(/\s+/g, ' '), start);
    }
  };
}
const exec = Database.prototype.exec;
Database.prototype.exec = function timedExec(sql) {
  const start = process.hrtime.bigint();
  try {
    return exec.call(this, sql);
  } finally {
    record(`exec: ${sql.replace(/\s+/g, ' ')}`, start);
  }
};

process.on('exit', () => {
  const rows = [...times].sort((a, b) => b[1].ns - a[1].ns).slice(0, 25);
  process.stderr.write('     ms      calls   µs/call  statement\n');
  for (const [sql, { calls, ns }] of rows) {
    const ms = (ns / 1e6).toFixed(0).padStart(7);
    const perCall = (ns / calls / 1000).toFixed(2).padStart(9);
    process.stderr.write(`${ms} ${String(calls).padStart(10)} ${perCall}  ${sql.slice(0, 120)}\n`);
  }
});
