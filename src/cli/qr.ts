/**
 * A QR code's modules (row by row, '1' dark) drawn in a terminal: two rows per line in
 * half-block characters, light on dark inverted so phone cameras read it in dark terminals,
 * with the four-module quiet zone the standard asks for.
 */
export function qrForTerminal(qr: { size: number; modules: string }): string {
  const QUIET = 4;
  const span = qr.size + 2 * QUIET;
  const dark = (row: number, col: number) => {
    const r = row - QUIET;
    const c = col - QUIET;
    return r >= 0 && c >= 0 && r < qr.size && c < qr.size && qr.modules[r * qr.size + c] === '1';
  };
  const lines: string[] = [];
  for (let row = 0; row < span; row += 2) {
    let line = '';
    for (let col = 0; col < span; col++) {
      const top = !dark(row, col);
      const bottom = row + 1 < span && !dark(row + 1, col);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
