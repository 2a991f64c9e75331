import { TOPIC_PARTITIONS } from '@ddp/contracts';
import type { Kafka } from 'kafkajs';

/**
 * Creates every platform topic and dead-letter topic that is missing, with its
 * partition count (subscribing to a missing topic fails on a fresh broker).
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, partitions: Record<string, number> = TOPIC_PARTITIONS): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.entries(partitions).filter(([topic]) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions, replicationFactor: 1 })),
      });
    }
    return missing.map(([topic]) => topic);
  } finally {
    await admin.disconnect();
  }
}
