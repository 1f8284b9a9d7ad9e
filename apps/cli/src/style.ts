/** Text styles for human output. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const plain: Style = {
  bold: (text) => text,
  dim: (text) => text,
  red: (text) => text,
  green: (text) => text,
  yellow: (text) => text,
};

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
};

/**
 * Colour only when writing to a terminal, and never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org) or `TERM=dumb`; `FORCE_COLOR` (non-empty, not `0`) turns it on off a terminal.
 */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return ansi;
  if (env.TERM === 'dumb') return plain;
  return stream.isTTY ? ansi : plain;
}

/** The style for results written to stdout. */
export function stdoutStyle(): Style {
  return styleFor(process.stdout);
}
