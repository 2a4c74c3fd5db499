/** Replaces {{name}} and {{step.field}} placeholders; unknown placeholders are left visible. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (match, name: string) => values[name] ?? match);
}
