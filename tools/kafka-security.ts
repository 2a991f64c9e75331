// The secured broker's principals and ACLs (libs/platform/src/kafka/kafka-acls.ts), for
// infra/kafka/kafka.sh with KAFKA_SECURITY=sasl_ssl (run from dist/ after tools/build.js):
//   passwords <credentials-dir>                   a generated password per user (once; mode 600)
//   scram-args <credentials-dir>                  StorageTool format's --add-scram arguments, one per line
//   apply <broker> <credentials-dir> <ca.pem>     as the admin: every topic, then exactly the table's ACLs
import { TOPIC_PARTITIONS } from '@ddp/contracts';
import { applyKafkaAcls, createKafka, ensureTopics, KAFKA_ADMIN, KAFKA_PRINCIPALS } from '@ddp/platform';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const USERS = [KAFKA_ADMIN, ...KAFKA_PRINCIPALS.map((p) => p.name)];

/** Each user's password file, written once: base64url, so it needs no quoting in SCRAM's `[name=..,password=..]`. */
function passwords(dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new Map(
    USERS.map((user) => {
      const file = path.join(dir, user);
      if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
      return [user, readFileSync(file, 'utf8').trim()];
    }),
  );
}

async function apply(broker: string, dir: string, caFile: string): Promise<void> {
  const started = Date.now();
  const kafka = createKafka(broker, 'ddp-kafka-security', undefined, {
    ssl: { ca: [readFileSync(caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: KAFKA_ADMIN, password: passwords(dir).get(KAFKA_ADMIN)! },
  });
  const created = await ensureTopics(kafka);
  const acls = await applyKafkaAcls(kafka);
  console.error(
    `[kafka] ${Object.keys(TOPIC_PARTITIONS).length} topics (${created.length} created), ${acls.total} ACLs for ${KAFKA_PRINCIPALS.length} principals ` +
      `(${acls.created} created, ${acls.deleted} deleted) in ${Date.now() - started} ms`,
  );
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'passwords' && args[0]) {
    passwords(args[0]);
  } else if (command === 'scram-args' && args[0]) {
    for (const [name, password] of passwords(args[0])) process.stdout.write(`--add-scram\nSCRAM-SHA-512=[name=${name},password=${password}]\n`);
  } else if (command === 'apply' && args.length === 3) {
    await apply(args[0], args[1], args[2]);
  } else {
    console.error('usage: kafka-security.js passwords <dir> | scram-args <dir> | apply <broker> <dir> <ca.pem>');
    process.exit(2);
  }
}

main().catch((error: Error) => {
  console.error(`[kafka] ${error.message}`);
  process.exit(1);
});
