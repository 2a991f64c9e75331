/** RFC 4180 CSV of flat rows; a hidden count or base is written "[c]" (the ONS mark for a suppressed figure). */
export function toCsv<T extends object>(columns: readonly string[], rows: readonly T[], hidden: readonly string[] = ['count', 'base']): string {
  const cell = (column: string, value: unknown) => {
    if (value === null || value === undefined) return hidden.includes(column) ? '[c]' : '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(c, (r as Record<string, unknown>)[c])).join(','))].join('\r\n') + '\r\n';
}
