/** Left-aligned columns two spaces apart; the first row goes through `header`. */
export function formatTable(rows: readonly string[][], header: (text: string) => string = (text) => text): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row, r) => {
      const line = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
      return r === 0 ? header(line) : line;
    })
    .join('\n');
}
