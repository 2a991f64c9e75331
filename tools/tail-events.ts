// Prints every event on the platform topics as it arrives, one line each:
//   npm run build && npm run events:tail [-- --from-beginning] [-- --referral <id>]
import { DEAD_LETTER_TOPICS, TOPICS } from '@ddp/contracts';
import { createKafka } from '@ddp/platform';
import { randomUUID } from 'node:crypto';

async function main(): Promise<void> {
  process.stdout.on('error', () => process.exit(0)); // e.g. piped into head
  const args = process.argv.slice(2);
  const fromBeginning = args.includes('--from-beginning');
  const referral = args.includes('--referral') ? args[args.indexOf('--referral') + 1] : undefined;
  const kafka = createKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 'ddp-tail');
  const consumer = kafka.consumer({ groupId: `ddp-tail-${randomUUID()}` });
  await consumer.connect();
  for (const topic of [...Object.values(TOPICS), ...Object.values(DEAD_LETTER_TOPICS)]) await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const key = message.key?.toString() ?? '-';
      if (referral && key !== referral) return;
      let summary = message.value?.toString() ?? '';
      try {
        const v = JSON.parse(summary);
        summary = v.eventType ? `${v.eventType} v${v.eventVersion} ${JSON.stringify(v.data)}` : JSON.stringify(v);
      } catch {
        // not JSON: print as is
      }
      const dlq = message.headers?.['dlq-error'] ? `  [dead letter: ${message.headers['dlq-error']}]` : '';
      process.stdout.write(`${new Date(Number(message.timestamp)).toISOString()}  ${topic.padEnd(28)} ${key.padEnd(38)} ${summary.slice(0, 300)}${dlq}\n`);
    },
  });
  const stop = () => consumer.disconnect().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
