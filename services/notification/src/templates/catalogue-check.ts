import { TEMPLATES } from './catalogue';
import type { TemplateStore } from './template-renderer';

/** Fails the start when a (template, channel) pair of the catalogue has no file. */
export function checkTemplateFiles(store: TemplateStore): void {
  const missing = Object.entries(TEMPLATES).flatMap(([name, spec]) => spec.channels.filter((c) => !store.has(name, c)).map((c) => `${name}.${c}.txt`));
  if (missing.length) throw new Error(`template files missing: ${missing.join(', ')}`);
}
