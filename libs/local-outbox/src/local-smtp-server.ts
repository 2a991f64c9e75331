import { SMTPServer } from 'smtp-server';

/** One message the local SMTP server accepted, decoded enough for assertions. */
export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  raw: string;
  /** When it arrived (ms since epoch, this process's clock). */
  receivedAt: number;
}

export interface LocalSmtpServer {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Messages accepted so far (also when they are not kept). */
  readonly received: number;
  /** Refuse the next n messages (to `recipient`, if given) with this SMTP reply code (e.g. 451 transient, 550 permanent). */
  refuseNext(n: number, code: number, recipient?: string): void;
  stop(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeader(value: string): string {
  // RFC 2047 encoded words, as nodemailer writes non-ASCII subjects.
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

/** Splits a single-part message into decoded headers and text. */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { headers, text: text.replace(/\r\n/g, '\n').trim() };
}

/**
 * A real SMTP server on loopback (smtp-server), no TLS, no auth: what nodemailer talks to in
 * tests. `keep: false` only counts what it accepts (a benchmark sends tens of thousands);
 * `port` is a free one unless given (the local outbox of `npm start` listens on a known one).
 */
export async function startLocalSmtpServer(options: { keep?: boolean; port?: number; host?: string } = {}): Promise<LocalSmtpServer> {
  const messages: ReceivedMail[] = [];
  let received = 0;
  let refusals: { left: number; code: number; recipient?: string } = { left: 0, code: 0 };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const targeted = !refusals.recipient || session.envelope.rcptTo.some((r) => r.address === refusals.recipient);
        if (refusals.left > 0 && targeted) {
          refusals = { ...refusals, left: refusals.left - 1 };
          const error = new Error(`refused by the test server (${refusals.code})`) as Error & { responseCode: number };
          error.responseCode = refusals.code;
          return callback(error);
        }
        received++;
        if (options.keep === false) return callback();
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, text } = parseMail(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          headers,
          subject: headers['subject'] ?? '',
          text,
          raw,
          receivedAt: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    messages,
    get received() {
      return received;
    },
    refuseNext(n, code, recipient) {
      refusals = { left: n, code, recipient };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
