import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A message ready for one channel: e-mail has a subject; SMS and webhook text do not. */
export interface RenderedMessage {
  subject?: string;
  body: string;
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** The placeholders a template text uses. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Replaces every `{{name}}` with its value. A placeholder without a value is an error,
 * never an empty gap in a message someone relies on.
 */
export function renderText(text: string, values: Record<string, string>, what = 'template'): string {
  const missing = placeholdersOf(text).filter((name) => values[name] === undefined);
  if (missing.length) throw new TemplateError(`${what} needs ${missing.join(', ')}`);
  return text.replace(PLACEHOLDER, (_, name: string) => values[name]);
}

/** An e-mail template starts with `Subject: ...` and a blank line. */
export function parseTemplateFile(channel: string, text: string, what: string): { subject?: string; body: string } {
  const normalised = text.replace(/\r\n/g, '\n');
  if (channel !== 'email') return { body: normalised.trim() };
  const match = /^Subject: (.+)\n\n([\s\S]+)$/.exec(normalised);
  if (!match) throw new TemplateError(`${what} must start with "Subject: ..." and a blank line`);
  return { subject: match[1].trim(), body: match[2].trim() };
}

/** Where the template files live: services/notification/templates (copied to dist by the build). */
export const TEMPLATE_DIR = path.resolve(__dirname, '../../templates');

/** Every `<template>.<channel>.txt` file, read once at start. */
export class TemplateStore {
  private readonly templates = new Map<string, { subject?: string; body: string }>();

  constructor(dir: string = TEMPLATE_DIR) {
    for (const file of readdirSync(dir)) {
      const m = /^([a-z0-9-]+)\.(email|sms|webhook)\.txt$/.exec(file);
      if (!m) continue;
      this.templates.set(`${m[1]}.${m[2]}`, parseTemplateFile(m[2], readFileSync(path.join(dir, file), 'utf8'), file));
    }
  }

  has(template: string, channel: string): boolean {
    return this.templates.has(`${template}.${channel}`);
  }

  source(template: string, channel: string): { subject?: string; body: string } {
    const found = this.templates.get(`${template}.${channel}`);
    if (!found) throw new TemplateError(`no template ${template}.${channel}.txt`);
    return found;
  }

  render(template: string, channel: string, values: Record<string, string>): RenderedMessage {
    const source = this.source(template, channel);
    const what = `${template}.${channel}.txt`;
    return {
      ...(source.subject !== undefined ? { subject: renderText(source.subject, values, what) } : {}),
      body: renderText(source.body, values, what),
    };
  }
}
