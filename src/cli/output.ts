/** Plain-text output for people; `--json` variants print the API's JSON as is. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n${cells.map(line).join('\n')}\n`);
}

export function printPlan(result: { dryRun: boolean; plan: Array<{ section: string; key: string; action: string; changes?: unknown }>; summary: Record<string, number> }): void {
  const sign: Record<string, string> = { create: '+', update: '~', unchanged: '=', delete: '-' };
  for (const p of result.plan) {
    if (p.action === 'unchanged') continue;
    process.stdout.write(`${sign[p.action] ?? '?'} ${p.section}/${p.key}${p.changes ? `  ${JSON.stringify(p.changes)}` : ''}\n`);
  }
  const s = result.summary;
  const [c, u, n] = [s.create ?? 0, s.update ?? 0, s.unchanged ?? 0];
  process.stdout.write(
    result.dryRun ? `Plan (dry run, nothing changed): ${c} to create, ${u} to update, ${n} unchanged.\n` : `Applied: ${c} created, ${u} updated, ${n} unchanged.\n`,
  );
}
