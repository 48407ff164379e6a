import type { PlanStep } from './types.js';

const SIGNS: Record<PlanStep['action'], string> = { create: '+', update: '~', unchanged: '=', conflict: '!' };

/** A plan as text, one line per step and its details indented: `+ create queue orders`. */
export function formatPlan(steps: PlanStep[]): string {
  const lines: string[] = [];
  for (const s of steps) {
    lines.push(`${SIGNS[s.action]} ${s.action} ${s.kind} ${s.resource}`);
    for (const detail of s.details) lines.push(`    ${detail}`);
  }
  const count = (a: PlanStep['action']) => steps.filter((s) => s.action === a).length;
  lines.push(
    `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged, ${count('conflict')} conflicting`,
  );
  return lines.join('\n');
}
