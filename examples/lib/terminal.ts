// What the examples print: one coloured line per thing that happens, so a newcomer can follow a
// message from publish to match to done, retry or dead letter. Colour only on a terminal, and never
// with NO_COLOR set.

export type Kind = 'publish' | 'match' | 'done' | 'retry' | 'dead' | 'info' | 'warn';

const COLOURS: Record<Kind, string> = {
  publish: '36', // cyan
  match: '34', // blue
  done: '32', // green
  retry: '33', // yellow
  dead: '31', // red
  info: '90', // grey
  warn: '35', // magenta
};
const LABELS: Record<Kind, string> = {
  publish: 'published',
  match: 'matched',
  done: 'done',
  retry: 'retry',
  dead: 'dead-letter',
  info: 'info',
  warn: 'warn',
};

/** Prints the example's events; tests pass one that records instead. */
export type Printer = (kind: Kind, source: string, text: string) => void;

export function terminal(stream: NodeJS.WriteStream = process.stdout): Printer {
  const colour = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: string, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  return (kind, source, text) => {
    const time = new Date().toISOString().slice(11, 23);
    stream.write(
      `${paint('90', time)} ${paint(COLOURS[kind], LABELS[kind].padEnd(11))} ${paint('1', source.padEnd(9))} ${text}\n`,
    );
  };
}

/** A printer that keeps the lines, for tests. */
export function recorder(): Printer & { lines: Array<{ kind: Kind; source: string; text: string }> } {
  const lines: Array<{ kind: Kind; source: string; text: string }> = [];
  const print = ((kind: Kind, source: string, text: string) => {
    lines.push({ kind, source, text });
  }) as Printer & { lines: typeof lines };
  print.lines = lines;
  return print;
}
