// A grouped bar chart as a standalone SVG (no dependency): one group per label, one bar per series.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The SVG text of a bar chart of `series` over `labels`, titled `title`, values in `unit`. */
export function barChart(
  title: string,
  unit: string,
  labels: readonly string[],
  series: readonly Series[],
): string {
  const width = 640;
  const height = 320;
  const left = 60;
  const bottom = 40;
  const top = 40;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const groupWidth = (width - left - 20) / labels.length;
  const barWidth = (groupWidth * 0.7) / series.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${xml(title)}</text>`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#333"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    const y = top + plotHeight - (plotHeight * t) / 4;
    parts.push(`<line x1="${left}" y1="${y}" x2="${width - 10}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  parts.push(
    `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle">${xml(unit)}</text>`,
  );
  labels.forEach((label, g) => {
    const x0 = left + g * groupWidth + groupWidth * 0.15;
    series.forEach((s, k) => {
      const v = s.values[g] ?? 0;
      const h = (plotHeight * v) / max;
      const x = x0 + k * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(top + plotHeight - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"/>`,
      );
      parts.push(
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(top + plotHeight - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${Math.round(v)}</text>`,
      );
    });
    parts.push(
      `<text x="${(x0 + (barWidth * series.length) / 2).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${xml(label)}</text>`,
    );
  });
  series.forEach((s, k) => {
    const x = left + 10 + k * 200;
    parts.push(`<rect x="${x}" y="${height - 16}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${x + 14}" y="${height - 7}">${xml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
